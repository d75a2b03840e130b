"""Files in: workbooks and foreign tables read, validated and normalized for a store."""
