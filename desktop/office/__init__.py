"""The research office's desk: a folder of applications as one table, the cross-application
checks and the print queue (issue 13)."""
