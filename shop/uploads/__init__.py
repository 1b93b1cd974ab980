"""Files people upload: checked by content, images re-encoded, stored under names we choose,
served as attachments. Every upload on the floor goes through this package."""
