; Block structure of a Markdown document (tree-sitter-md block grammar).
; Read by crate::queries::markdown_outline; PRD and data dictionary readers
; work on the outline it returns.

[(atx_heading) (setext_heading)] @heading

(pipe_table) @table

(list_item) @item

(paragraph) @paragraph

[(fenced_code_block) (indented_code_block)] @code

(html_block) @html
