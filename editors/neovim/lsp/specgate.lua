-- Default configuration of the Specgate language server for Neovim 0.11+'s
-- vim.lsp.config: with this plugin on 'runtimepath', `vim.lsp.enable('specgate')`
-- alone starts `specgate lsp` from PATH. require('specgate').setup() adds
-- :SpecgateInventory and takes options.
return (require('specgate').config())
