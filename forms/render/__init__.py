"""PDF rendering with reportlab: fonts, drawing primitives and the documents of the rule pack."""
