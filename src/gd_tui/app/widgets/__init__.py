"""One pane a file; each shows part of a View and computes no training math."""
