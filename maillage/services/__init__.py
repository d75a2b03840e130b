"""What both shells (the CLI and the explorer) call: stores, views, analyses, exports, caching."""
