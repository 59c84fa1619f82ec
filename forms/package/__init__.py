"""Package assembly: the one-file package with cover, footers and outline; the three collated
paper copies; the per-slot upload files; the size budget that keeps them within the portal's
limits."""

from forms.package.package_file import PackageResult, build_package, write_package
from forms.package.parts import content_hash
from forms.package.print_set import build_print_set
from forms.package.uploads import upload_files

__all__ = ["PackageResult", "build_package", "build_print_set", "content_hash", "upload_files", "write_package"]
