"""PDF rendering with reportlab: fonts, drawing primitives and the documents of the rule pack."""

# The name every generated PDF gives as its creator. Here, not in page.py, so that the package can
# write it into /Info without importing reportlab (a build whose pages come from the render cache).
CREATOR = "CXY Apply 产学研申报助手"
