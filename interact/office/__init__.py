"""The managing office's pages: staff workspace, calendar, sensitive words, audit log."""
