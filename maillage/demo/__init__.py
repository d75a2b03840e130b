"""The demo ecosystem: real umbrella organizations plus a seeded synthetic Québec."""
