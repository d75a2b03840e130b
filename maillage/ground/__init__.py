"""The ground floor: the product's words, regions, dates, tables and translations."""
