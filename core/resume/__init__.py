"""Resume intake: structuring extracted PDF text (pure logic) and storing the result."""
