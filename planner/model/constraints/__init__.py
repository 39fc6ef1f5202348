"""One module per constraint family; each ``add_*`` returns early when it has nothing to add."""
