"""Package assembly: the one-file package with cover, footers and outline; the three collated
paper copies; the per-slot upload files; the size budget that keeps them within the portal's
limits."""

from forms.package.build import (
    PackageResult,
    build_package,
    build_print_set,
    content_hash,
    upload_files,
    write_package,
)

__all__ = ["PackageResult", "build_package", "build_print_set", "content_hash", "upload_files", "write_package"]
