"""The published site: generated pages, the directory page's index, the mkdocs hook that builds
them, and the all-or-nothing build and preview around mkdocs."""
