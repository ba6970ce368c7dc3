"""What the directory publishes for other systems: the feed and the records in the formats of the
library systems that import them."""
