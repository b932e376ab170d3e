"""Reading corpus files into Documents and Passages: readers, metadata, the corpus catalog and writer, splitting."""
