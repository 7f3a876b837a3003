; Tables and columns in one CREATE TABLE / ALTER TABLE statement
; (tree-sitter-sequel). Read by crate::model::sql; statements the grammar
; cannot parse cleanly are read by the token scanner there instead.

(create_table
  (object_reference
    name: (identifier) @table.name)) @create

(create_table
  (column_definitions
    (column_definition) @column))

(alter_table
  (object_reference
    name: (identifier) @table.name)) @alter

(alter_table
  (add_column
    (column_definition) @column))
