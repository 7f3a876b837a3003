--- Specgate for Neovim 0.11+: registers the `specgate lsp` language server
--- through vim.lsp.config / vim.lsp.enable, and adds :SpecgateInventory and
--- :SpecgateReview.
---
---   require('specgate').setup({
---     cmd = { '/path/to/specgate', 'lsp' },     -- default: `specgate lsp` from PATH
---     settings = { specgate = { severities = { ['unpaginated-list'] = 'warning' },
---                               releaseMode = 'mvp' } },
---   })
local M = {}

M.name = 'specgate'

--- Defaults; every key can be given to setup().
M.defaults = {
  --- Command that starts the server: a list, or a string (the binary; ` lsp` is added).
  cmd = nil,
  filetypes = { 'yaml', 'json', 'markdown', 'sql' },
  root_markers = { 'specgate.toml', '.git' },
  --- Sent as `workspace/didChangeConfiguration` and as initializationOptions:
  --- { specgate = { severities = {...}, releaseMode = 'mvp'|'full', debounceMs = n } }
  settings = { specgate = {} },
  --- Start the server for matching buffers (vim.lsp.enable).
  enable = true,
  --- Passed through to vim.lsp.config when given.
  capabilities = nil,
  on_attach = nil,
  flags = nil,
}

local function notify(msg, level)
  vim.notify('specgate: ' .. msg, level or vim.log.levels.INFO)
end

local function normalize_cmd(cmd)
  if cmd == nil then
    return { 'specgate', 'lsp' }
  elseif type(cmd) == 'string' then
    return { cmd, 'lsp' }
  end
  return cmd
end

--- The configuration registered with vim.lsp.config (also usable on its own).
function M.config(opts)
  opts = vim.tbl_deep_extend('force', M.defaults, opts or {})
  local cfg = {
    cmd = normalize_cmd(opts.cmd),
    filetypes = opts.filetypes,
    root_markers = opts.root_markers,
    settings = opts.settings,
    init_options = (opts.settings or {}).specgate or {},
  }
  for _, k in ipairs({ 'capabilities', 'on_attach', 'flags' }) do
    if opts[k] ~= nil then
      cfg[k] = opts[k]
    end
  end
  return cfg, opts
end

--- The running specgate client for a buffer (default: current), else any.
function M.client(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local clients = vim.lsp.get_clients({ name = M.name, bufnr = bufnr })
  if #clients == 0 then
    clients = vim.lsp.get_clients({ name = M.name })
  end
  return clients[1]
end

--- Shows Markdown text in a scratch buffer in a new split.
local function show_scratch(text)
  vim.cmd('botright new')
  local buf = vim.api.nvim_get_current_buf()
  vim.bo[buf].buftype = 'nofile'
  vim.bo[buf].bufhidden = 'wipe'
  vim.bo[buf].swapfile = false
  pcall(vim.api.nvim_buf_set_name, buf, 'specgate://inventory')
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, vim.split(text, '\n', { plain = true }))
  vim.bo[buf].modifiable = false
  vim.bo[buf].filetype = 'markdown'
  return buf
end

--- Runs `specgate.inventory` on the server and shows the Markdown it returns.
--- `callback(err, bufnr)` is called when done (for tests and scripts).
function M.inventory(callback)
  local client = M.client()
  local function done(err, buf)
    if err then
      notify(err, vim.log.levels.ERROR)
    end
    if callback then
      callback(err, buf)
    end
  end
  if not client then
    return done('no specgate language server is running (open a YAML/JSON/Markdown/SQL file of the workspace first)')
  end
  client:request('workspace/executeCommand', { command = 'specgate.inventory', arguments = {} }, function(err, result)
    if err then
      return done('inventory failed: ' .. (err.message or vim.inspect(err)))
    end
    if type(result) ~= 'string' then
      return done('the server returned no Endpoint Inventory (expected Markdown, got ' .. type(result) .. ')')
    end
    done(nil, show_scratch(result))
  end)
end

--- Runs `specgate.report`: the server writes the design review page and asks
--- Neovim to open it (window/showDocument → vim.ui.open, your browser).
--- `callback(err, path)` is called with the page's path (for tests and scripts).
function M.review(callback)
  local client = M.client()
  local function done(err, path)
    if err then
      notify(err, vim.log.levels.ERROR)
    elseif path then
      notify('design review: ' .. path, vim.log.levels.INFO)
    end
    if callback then
      callback(err, path)
    end
  end
  if not client then
    return done('no specgate language server is running (open a YAML/JSON/Markdown/SQL file of the workspace first)')
  end
  local uri = vim.uri_from_bufnr(0)
  client:request('workspace/executeCommand', { command = 'specgate.report', arguments = { uri } }, function(err, result)
    if err then
      return done('design review failed: ' .. (err.message or vim.inspect(err)))
    end
    if type(result) ~= 'string' then
      return done('the server wrote no design review')
    end
    done(nil, vim.uri_to_fname(result))
  end)
end

function M.setup(opts)
  if vim.fn.has('nvim-0.11') ~= 1 then
    notify('needs Neovim 0.11 or newer (vim.lsp.config); see the README for an nvim-lspconfig setup', vim.log.levels.ERROR)
    return
  end
  local cfg, o = M.config(opts)
  if vim.fn.executable(cfg.cmd[1]) ~= 1 then
    notify(
      ('`%s` is not an executable: install specgate (cargo install --path server) or pass cmd = { "/path/to/specgate", "lsp" } to setup()'):format(cfg.cmd[1]),
      vim.log.levels.WARN
    )
  end
  -- Code lenses ("3 operations trace FR-001") run this client-side command
  -- with [uri, position, locations]: list the locations in the quickfix list.
  vim.lsp.commands['specgate.showReferences'] = function(command, ctx)
    local locations = (command.arguments or {})[3] or {}
    local client = vim.lsp.get_client_by_id(ctx.client_id)
    local items = vim.lsp.util.locations_to_items(locations, client and client.offset_encoding or 'utf-16')
    vim.fn.setqflist({}, ' ', { title = command.title or 'Specgate', items = items })
    vim.cmd('botright copen')
  end
  vim.lsp.config(M.name, cfg)
  if o.enable then
    vim.lsp.enable(M.name)
  end
  vim.api.nvim_create_user_command('SpecgateInventory', function()
    M.inventory()
  end, { desc = 'Specgate: show the Endpoint Inventory' })
  vim.api.nvim_create_user_command('SpecgateReview', function()
    M.review()
  end, { desc = 'Specgate: write the design review page and open it in the browser' })
end

return M
