-- End-to-end test of the Specgate Neovim plugin in a real, headless Neovim 0.11.
--   nvim --headless --clean -l test.lua <repo-root> <workspace-copy> <specgate-binary>
-- Loads editors/neovim through require('specgate').setup(), opens the fixture
-- workspace and checks what a user sees. Every check prints PASS or FAIL with
-- the reason; the last line is "N passed, N failed"; the exit code is the verdict.
local repo, ws, bin = arg[1], arg[2], arg[3]
assert(repo and ws and bin, 'usage: nvim --headless --clean -l test.lua REPO WORKSPACE SPECGATE_BIN')
local TIMEOUT = tonumber(vim.env.SPECGATE_E2E_TIMEOUT_MS or '') or 15000

local passed, failed = 0, 0
local function log(fmt, ...)
  io.stdout:write(('[nvim-e2e %6.2fs] '):format(vim.uv.hrtime() / 1e9 - (_G.T0 or 0)) .. fmt:format(...) .. '\n')
end
_G.T0 = vim.uv.hrtime() / 1e9
local function ok(name, detail)
  passed = passed + 1
  log('PASS %s%s', name, detail and (' — ' .. detail) or '')
end
local function fail(name, why)
  failed = failed + 1
  log('FAIL %s — %s', name, why)
end
--- Runs one named check; an error inside it is a FAIL with the message, and
--- the following checks still run.
local function check(name, fn)
  local okc, res = xpcall(fn, function(e)
    -- a failed expectation is its message; anything else keeps its traceback
    return (type(e) == 'string' and e:find('^EXPECT: ')) and e:sub(9) or debug.traceback(e)
  end)
  if not okc then
    fail(name, tostring(res))
  elseif res == false then
    fail(name, 'returned false')
  else
    ok(name, type(res) == 'string' and res or nil)
  end
end
local function assert(v, msg)
  if not v then
    error('EXPECT: ' .. tostring(msg or 'assertion failed'), 0)
  end
  return v
end
--- The server's stderr lines from Neovim's LSP log (why it did not start).
local function server_stderr()
  local f = io.open(vim.lsp.log.get_filename(), 'r')
  if not f then
    return ''
  end
  local out = {}
  for l in f:lines() do
    local msg = l:match('"stderr"%s+"(.*)"$')
    if msg then
      table.insert(out, (msg:gsub('\\n', ' ')))
    end
  end
  f:close()
  return table.concat(out, ' | '):sub(-600)
end
local function wait(ms, cond, what)
  local t0 = vim.uv.hrtime()
  if not vim.wait(ms, cond, 20) then
    error(('EXPECT: timed out after %d ms waiting for %s'):format(ms, what), 0)
  end
  return (vim.uv.hrtime() - t0) / 1e6
end

local function diags(buf, code)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.source == 'specgate' and (code == nil or d.code == code) then
      table.insert(out, d)
    end
  end
  return out
end
local function describe(buf)
  local s = {}
  for _, d in ipairs(diags(buf)) do
    table.insert(s, ('%d:%d %s'):format(d.lnum + 1, d.col + 1, tostring(d.code)))
  end
  return #s > 0 and table.concat(s, ', ') or '(none)'
end
--- 0-based line and byte column of the first match of `plain` in buffer `buf`.
local function find(buf, plain)
  for i, l in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    local c = l:find(plain, 1, true)
    if c then
      return i - 1, c - 1
    end
  end
  error('text not found: ' .. plain)
end

-- Editor setup, as a user's init.lua would do it.
vim.opt.rtp:prepend(repo .. '/editors/neovim')
vim.o.swapfile = false
vim.o.hidden = true
vim.cmd.cd(ws)
require('specgate').setup({
  cmd = { bin, 'lsp' },
  flags = { debounce_text_changes = 0 },
})

local api_file = ws .. '/api/openapi.yaml'
local prd_file = ws .. '/docs/prd.md'
vim.cmd.edit(api_file)
local api = vim.api.nvim_get_current_buf()
local client

check('the plugin starts specgate lsp for an OpenAPI buffer (vim.lsp.enable)', function()
  local okw, ms = pcall(wait, TIMEOUT, function()
    client = vim.lsp.get_clients({ bufnr = api, name = 'specgate' })[1]
    return client ~= nil and client.initialized
  end, 'the specgate client to attach and initialize')
  if not okw then
    client = nil
    error(ms .. '; server stderr: ' .. server_stderr(), 0)
  end
  return ('filetype=%s root=%s encoding=%s, %.0f ms'):format(vim.bo[api].filetype, tostring(client.root_dir),
    client.offset_encoding, ms)
end)
if not client then
  fail('remaining checks', 'no language server; cannot go on')
  log('%d passed, %d failed', passed, failed)
  os.exit(1)
end

check('position encoding is utf-8 (offered by Neovim)', function()
  assert(client.offset_encoding == 'utf-8', 'negotiated ' .. tostring(client.offset_encoding))
end)

-- Neovim 0.11 pulls a buffer's diagnostics only when that buffer changes
-- and takes no workspace/diagnostic/refresh: the server keeps pushing.
check('diagnostics are pushed (the server offers no pull to Neovim 0.11)', function()
  assert(client.server_capabilities.diagnosticProvider == nil, 'the server offered pull diagnostics')
end)

local expected = { 'missing-error-response', 'untraced-operation', 'unknown-requirement' }
check('diagnostics appear in the OpenAPI buffer', function()
  local ms = wait(TIMEOUT, function()
    for _, code in ipairs(expected) do
      if #diags(api, code) == 0 then
        return false
      end
    end
    return true
  end, 'codes ' .. table.concat(expected, ', ') .. '; have: ' .. describe(api))
  local d = diags(api, 'unknown-requirement')[1]
  local line = find(api, 'FR-009')
  assert(d.lnum == line, ('unknown-requirement on line %d, expected %d'):format(d.lnum + 1, line + 1))
  return ('%s after %.0f ms'):format(describe(api), ms)
end)

check('diagnostics appear in a SQL buffer (column-not-in-dictionary)', function()
  vim.cmd.edit(ws .. '/db/schema.sql')
  local sql = vim.api.nvim_get_current_buf()
  local ms = wait(TIMEOUT, function() return #diags(sql, 'column-not-in-dictionary') > 0 end,
    'column-not-in-dictionary in db/schema.sql; have: ' .. describe(sql))
  local d = diags(sql, 'column-not-in-dictionary')[1]
  local line = find(sql, 'favourite_color')
  assert(d.lnum == line, ('on line %d, expected %d'):format(d.lnum + 1, line + 1))
  vim.cmd.buffer(api)
  return ('%s after %.0f ms'):format(describe(sql), ms)
end)

check('hover on an FR-ID shows the requirement', function()
  local l, c = find(api, 'FR-001')
  local res = vim.lsp.buf_request_sync(api, 'textDocument/hover', {
    textDocument = vim.lsp.util.make_text_document_params(api),
    position = { line = l, character = c + 2 },
  }, TIMEOUT)
  local r = res and res[client.id]
  assert(r and not r.err, 'hover error: ' .. vim.inspect(r and r.err))
  assert(r.result and r.result.contents, 'no hover')
  local text = type(r.result.contents) == 'string' and r.result.contents
    or r.result.contents.value or vim.inspect(r.result.contents)
  assert(text:find('List patients', 1, true), 'hover lacks the title "List patients": ' .. text)
  return (text:gsub('\n', ' '):sub(1, 80))
end)

check('vim.lsp.buf.definition() on an FR-ID jumps to its PRD line', function()
  local l, c = find(api, 'FR-001')
  vim.api.nvim_win_set_cursor(0, { l + 1, c + 3 })
  vim.lsp.buf.definition()
  wait(TIMEOUT, function()
    return vim.api.nvim_buf_get_name(0) == vim.fn.resolve(prd_file) or vim.api.nvim_buf_get_name(0) == prd_file
  end, 'docs/prd.md to become the current buffer (now ' .. vim.api.nvim_buf_get_name(0) .. ')')
  local want = find(0, '| FR-001 |') + 1
  local got = vim.api.nvim_win_get_cursor(0)[1]
  assert(got == want, ('cursor on PRD line %d, expected %d'):format(got, want))
  local line = vim.api.nvim_get_current_line()
  vim.cmd.buffer(api)
  return ('prd.md:%d %s'):format(got, line)
end)

--- Applies the quick fix of the first `code` diagnostic through
--- vim.lsp.buf.code_action (as `gra` does), then waits for the finding to leave.
local function quickfix(code, title_pattern)
  vim.cmd.buffer(api)
  local d = diags(api, code)[1]
  assert(d, 'no ' .. code .. ' diagnostic to fix; have: ' .. describe(api))
  vim.api.nvim_win_set_cursor(0, { d.lnum + 1, d.col })
  local params = vim.lsp.util.make_range_params(0, client.offset_encoding)
  params.context = { diagnostics = { d.user_data.lsp }, only = { 'quickfix' } }
  local res = vim.lsp.buf_request_sync(api, 'textDocument/codeAction', params, TIMEOUT)
  local r = res and res[client.id]
  assert(r and not r.err, 'codeAction error: ' .. vim.inspect(r and r.err))
  local titles = {}
  for _, a in ipairs(r.result or {}) do
    table.insert(titles, a.title)
  end
  assert(#titles > 0, 'the server offers no quick fix for ' .. code .. ' (its fix is not implemented yet?)')
  local chosen
  for _, t in ipairs(titles) do
    if t:match(title_pattern) then
      chosen = chosen or t
    end
  end
  assert(chosen, 'no quick fix titled like /' .. title_pattern .. '/ among: ' .. table.concat(titles, ' | '))
  local before = #diags(api, code)
  local applied = false
  vim.lsp.buf.code_action({
    context = { diagnostics = { d.user_data.lsp }, only = { 'quickfix' } },
    filter = function(a)
      return a.title == chosen
    end,
    apply = true,
  })
  -- the edit reaches the buffer asynchronously
  local tick = vim.b[api].changedtick
  wait(TIMEOUT, function() return vim.b[api].changedtick ~= tick end, 'the quick fix "' .. chosen .. '" to edit the buffer')
  local ms = wait(TIMEOUT, function() return #diags(api, code) < before end,
    'the ' .. code .. ' finding to leave after "' .. chosen .. '"; have: ' .. describe(api))
  return ('applied "%s"; finding gone after %.0f ms; now: %s'):format(chosen, ms, describe(api))
end

check('quick fix "Add missing responses" applies and missing-error-response clears', function()
  return quickfix('missing-error-response', '[Rr]espons')
end)

check('quick fix "Trace to FR-…" applies and untraced-operation clears', function()
  return quickfix('untraced-operation', 'FR%-')
end)

check('an edit to the PRD updates the OpenAPI buffer (unknown FR-009 leaves)', function()
  assert(#diags(api, 'unknown-requirement') > 0, 'no unknown-requirement finding to start from: ' .. describe(api))
  vim.cmd.edit(prd_file)
  local prd = vim.api.nvim_get_current_buf()
  local l = find(prd, '| FR-004 |')
  vim.api.nvim_buf_set_lines(prd, l + 1, l + 1, false, { '| FR-009 | Cancel an appointment | P1 |' })
  local ms = wait(TIMEOUT, function() return #diags(api, 'unknown-requirement') == 0 end,
    'unknown-requirement to leave api/openapi.yaml; have: ' .. describe(api))
  -- and back: deleting the row brings the finding back
  vim.api.nvim_buf_set_lines(prd, l + 1, l + 2, false, {})
  local ms2 = wait(TIMEOUT, function() return #diags(api, 'unknown-requirement') > 0 end,
    'unknown-requirement to come back after removing FR-009')
  vim.cmd.buffer(api)
  return ('cleared after %.0f ms, back after %.0f ms'):format(ms, ms2)
end)

check('code action "Ignore unknown-requirement here" writes a specgate-ignore comment; the finding leaves', function()
  local out = quickfix('unknown-requirement', '^Ignore unknown%-requirement here$')
  local l = find(api, '# specgate-ignore: unknown-requirement')
  local next_line = vim.api.nvim_buf_get_lines(api, l + 1, l + 2, false)[1]
  assert(next_line:find('FR-009', 1, true), 'the comment is not above the FR-009 line: ' .. next_line)
  return out
end)

check('settings: severities { ["column-not-in-dictionary"] = "off" } (didChangeConfiguration) hide that rule', function()
  local sql = vim.fn.bufnr(ws .. '/db/schema.sql')
  assert(sql > 0 and #diags(sql, 'column-not-in-dictionary') > 0,
    'no column-not-in-dictionary finding in db/schema.sql to start from')
  client.settings = { specgate = { severities = { ['column-not-in-dictionary'] = 'off' } } }
  client:notify('workspace/didChangeConfiguration', { settings = client.settings })
  local ms = wait(TIMEOUT, function() return #diags(sql, 'column-not-in-dictionary') == 0 end,
    'column-not-in-dictionary to leave db/schema.sql after turning the rule off')
  client.settings = { specgate = {} }
  client:notify('workspace/didChangeConfiguration', { settings = client.settings })
  local ms2 = wait(TIMEOUT, function() return #diags(sql, 'column-not-in-dictionary') > 0 end,
    'column-not-in-dictionary to come back with default settings')
  return ('off after %.0f ms, back after %.0f ms'):format(ms, ms2)
end)

check('a code lens runs specgate.showReferences: its locations fill the quickfix list', function()
  vim.cmd.buffer(api)
  vim.lsp.codelens.refresh({ bufnr = api })
  local lens
  wait(TIMEOUT, function()
    for _, l in ipairs(vim.lsp.codelens.get(api)) do
      if l.command and l.command.command == 'specgate.showReferences' then
        lens = l
        return true
      end
    end
    return false
  end, 'a code lens with command specgate.showReferences')
  assert(vim.lsp.commands['specgate.showReferences'], 'the plugin registered no specgate.showReferences handler')
  vim.fn.setqflist({}, 'r')
  client:exec_cmd(lens.command, { bufnr = api })
  wait(TIMEOUT, function() return #vim.fn.getqflist() > 0 end, 'the quickfix list to fill')
  local item = vim.fn.getqflist()[1]
  local where = ('%s:%d'):format(vim.fn.fnamemodify(vim.fn.bufname(item.bufnr), ':t'), item.lnum)
  vim.cmd('cclose')
  vim.cmd.buffer(api)
  return ('"%s" -> %d location(s), first %s'):format(lens.command.title, #vim.fn.getqflist(), where)
end)

check(':SpecgateInventory shows the Endpoint Inventory in a scratch buffer', function()
  local done, err, buf = false, nil, nil
  require('specgate').inventory(function(e, b)
    done, err, buf = true, e, b
  end)
  wait(TIMEOUT, function() return done end, 'the inventory command to answer')
  assert(not err, tostring(err))
  assert(vim.bo[buf].filetype == 'markdown' and vim.bo[buf].buftype == 'nofile', 'not a Markdown scratch buffer')
  local text = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n')
  assert(text:find('/patients', 1, true), 'inventory lacks /patients: ' .. text:sub(1, 200))
  assert(vim.fn.exists(':SpecgateInventory') == 2, ':SpecgateInventory is not defined')
  local lines = vim.api.nvim_buf_line_count(buf)
  vim.cmd('bwipeout ' .. buf)
  return lines .. ' lines'
end)

check(':SpecgateReview writes the design review page', function()
  -- The server then asks Neovim to open it (window/showDocument); the test
  -- keeps the browser out of it.
  local opened
  local ui_open = vim.ui.open
  vim.ui.open = function(path) opened = path; return nil, nil end
  local done, err, path = false, nil, nil
  require('specgate').review(function(e, p)
    done, err, path = true, e, p
  end)
  wait(TIMEOUT, function() return done end, 'the report command to answer')
  wait(TIMEOUT, function() return opened ~= nil end, 'Neovim to be asked to open the page')
  vim.ui.open = ui_open
  assert(not err, tostring(err))
  local f = assert(io.open(path, 'r'))
  local html = f:read('*a')
  f:close()
  assert(html:find('id="gate-traced"', 1, true), 'not the review page: ' .. html:sub(1, 120))
  assert(vim.fn.exists(':SpecgateReview') == 2, ':SpecgateReview is not defined')
  return ('%s; opened %s'):format(vim.fn.fnamemodify(path, ':t'), opened)
end)

check('the server stops cleanly', function()
  client:stop()
  wait(5000, function() return client:is_stopped() end, 'the client to stop')
end)

log('%d passed, %d failed', passed, failed)
os.exit(failed == 0 and 0 or 1)
