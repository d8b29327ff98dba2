-- Headless end-to-end test of the Neovim integration against a real
-- cloudwerk-lsp: open an object file, receive diagnostics, hover, apply a
-- quick fix and the generate source action, check the files on disk, then
-- go to definition from a route file, :CloudwerkGenerate, and a restart.
--
-- On Neovim 0.11+ the server is started the way users start it there:
-- vim.lsp.config('cloudwerk', ...) over the runtimepath's lsp/cloudwerk.lua,
-- then vim.lsp.enable('cloudwerk'); on older versions through setup().
--
-- Run by test.sh as:
--   nvim --headless -u NONE -c 'luafile test/e2e.lua'
-- with CLOUDWERK_PLUGIN (the editors/nvim folder), CLOUDWERK_BIN (the built
-- server) and CLOUDWERK_APP (a scratch copy of testdata/app) in the environment.

local HAS_011 = vim.fn.has('nvim-0.11') == 1
-- Neovim 0.8-0.10 start through vim.lsp.start; 0.7 through start_client
-- with the plugin's per-root client cache.
local LEGACY = vim.fn.has('nvim-0.8') == 0

local WAIT_MS = tonumber(os.getenv('CLOUDWERK_WAIT_MS') or '') or 20000

local plugin = assert(os.getenv('CLOUDWERK_PLUGIN'), 'CLOUDWERK_PLUGIN is not set')
local bin = assert(os.getenv('CLOUDWERK_BIN'), 'CLOUDWERK_BIN is not set')
local app = assert(os.getenv('CLOUDWERK_APP'), 'CLOUDWERK_APP is not set')

local function log(fmt, ...)
  io.stdout:write('nvim-e2e: ' .. string.format(fmt, ...) .. '\n')
  io.stdout:flush()
end

local function fail(fmt, ...)
  error({ msg = string.format(fmt, ...) }, 0)
end

local function read_file(path)
  local f = io.open(path, 'rb')
  if not f then
    return nil
  end
  local s = f:read('*a')
  f:close()
  return s
end

local function count(haystack, needle)
  local n, from = 0, 1
  while true do
    local i = haystack:find(needle, from, true)
    if not i then
      return n
    end
    n, from = n + 1, i + #needle
  end
end

-- Every publishDiagnostics the server sends, newest per URI, with the raw
-- LSP diagnostics (codes included) before Neovim converts them.
local published = {}
local publish_count = 0
local default_publish = vim.lsp.handlers['textDocument/publishDiagnostics']
vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
  if result and result.uri then
    published[vim.uri_to_fname(result.uri)] = result.diagnostics or {}
    publish_count = publish_count + 1
  end
  return default_publish(err, result, ctx, config)
end

local function codes_of(diags)
  local out = {}
  for _, d in ipairs(diags or {}) do
    out[#out + 1] = tostring(d.code)
  end
  table.sort(out)
  return table.concat(out, ',')
end

local function find_diag(path, code)
  for _, d in ipairs(published[path] or {}) do
    if d.code == code then
      return d
    end
  end
  return nil
end

local function wait_for(what, cond)
  local ok = vim.wait(WAIT_MS, cond, 50)
  if not ok then
    fail('timed out after %d ms waiting for %s', WAIT_MS, what)
  end
end

-- text_of flattens hover contents (MarkupContent, MarkedString or a list).
local function text_of(contents)
  if type(contents) == 'string' then
    return contents
  end
  if type(contents) ~= 'table' then
    return ''
  end
  if contents.value then
    return contents.value
  end
  local parts = {}
  for _, c in ipairs(contents) do
    parts[#parts + 1] = text_of(c)
  end
  return table.concat(parts, '\n')
end

-- position_of returns the 0-based line and UTF-16 column of the first
-- occurrence of needle in the buffer (the fixtures are ASCII).
local function position_of(bufnr, needle)
  for i, line in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
    local col = line:find(needle, 1, true)
    if col then
      return { line = i - 1, character = col - 1 }
    end
  end
  fail('%q not found in buffer %s', needle, vim.api.nvim_buf_get_name(bufnr))
end

-- call invokes a client method: 0.11 made them methods (client:request),
-- earlier versions have plain fields (client.request).
local function call(client, method, ...)
  if HAS_011 then
    return client[method](client, ...)
  end
  return client[method](...)
end

local function clients_of(bufnr)
  if vim.lsp.get_clients then
    return vim.lsp.get_clients({ bufnr = bufnr })
  end
  return vim.lsp.buf_get_clients(bufnr)
end

local function all_clients()
  return vim.lsp.get_clients and vim.lsp.get_clients() or vim.lsp.get_active_clients()
end

local function is_stopped(client)
  if HAS_011 then
    return client:is_stopped()
  end
  return vim.lsp.client_is_stopped(client.id)
end

local function single_client(bufnr)
  local clients = clients_of(bufnr)
  local list = {}
  for _, c in pairs(clients) do
    list[#list + 1] = c
  end
  if #list ~= 1 then
    fail('expected one client on %s, got %d', vim.api.nvim_buf_get_name(bufnr), #list)
  end
  return list[1]
end

local function request(client, bufnr, method, params)
  local resp, err = call(client, 'request_sync', method, params, WAIT_MS, bufnr)
  if not resp then
    fail('%s: no response (%s)', method, tostring(err))
  end
  if resp.err then
    fail('%s: error %s', method, vim.inspect(resp.err))
  end
  return resp.result
end

-- apply runs a code action the way Neovim's own code-action UI does: the
-- edit first, then the command.
local function apply(client, bufnr, action)
  if action.edit then
    vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding or 'utf-16')
  end
  local command = action.command
  if type(command) == 'table' then
    request(client, bufnr, 'workspace/executeCommand', {
      command = command.command,
      arguments = command.arguments,
    })
  end
  -- A command given as the action itself (Command instead of CodeAction).
  if type(action.command) == 'string' then
    request(client, bufnr, 'workspace/executeCommand', {
      command = action.command,
      arguments = action.arguments,
    })
  end
end

local function titles(actions)
  local out = {}
  for _, a in ipairs(actions or {}) do
    out[#out + 1] = string.format('%q (%s)', a.title or '?', a.kind or 'no kind')
  end
  return table.concat(out, '; ')
end

local function run()
  vim.cmd('filetype on')
  vim.opt.runtimepath:prepend(plugin)
  vim.lsp.set_log_level(os.getenv('CLOUDWERK_LSP_LOG') or 'warn')

  local attached = {}
  local exits = {}
  local function on_attach(client, bufnr)
    attached[bufnr] = client.name
  end
  local function on_exit(code, signal, client_id)
    exits[client_id] = { code = code, signal = signal }
  end
  if HAS_011 then
    -- Merged over lsp/cloudwerk.lua, which supplies filetypes and root_dir.
    vim.lsp.config('cloudwerk', {
      cmd = { bin, 'serve' },
      -- Raised from warning: proves the option reaches the server.
      init_options = { severity = { KV_STORAGE = 'error' } },
      on_attach = on_attach,
      on_exit = on_exit,
    })
    vim.lsp.enable('cloudwerk')
    log('Neovim %s: vim.lsp.enable(\'cloudwerk\')', tostring(vim.version()))
  else
    require('cloudwerk').setup({
      cmd = { bin, 'serve' },
      severity = { KV_STORAGE = 'error' },
      on_attach = on_attach,
      on_exit = on_exit,
    })
    log('Neovim %d.%d: require(\'cloudwerk\').setup()', vim.version().major, vim.version().minor)
  end

  local root = require('cloudwerk.root')
  local object = app .. '/app/objects/hit-log.ts'
  local wrangler = app .. '/wrangler.toml'
  local outside = vim.fn.tempname() .. '.ts'

  -- The root finder attaches inside the app only.
  if root.find(object) ~= app then
    fail('root of %s: got %s, want %s', object, tostring(root.find(object)), app)
  end
  if root.find(outside) ~= nil then
    fail('a file outside any app got root %s', tostring(root.find(outside)))
  end

  -- 1. Open the object file: the server attaches and publishes KV_STORAGE.
  vim.cmd('edit ' .. vim.fn.fnameescape(object))
  local bufnr = vim.api.nvim_get_current_buf()
  if vim.bo[bufnr].filetype ~= 'typescript' then
    fail('filetype of %s is %q, want typescript', object, vim.bo[bufnr].filetype)
  end
  wait_for('the client to attach', function()
    return attached[bufnr] ~= nil
  end)
  local client = single_client(bufnr)
  log('attached %s (client %d) with root %s', client.name, client.id, client.config.root_dir)
  if client.config.root_dir ~= app then
    fail('client root_dir is %s, want %s', tostring(client.config.root_dir), app)
  end

  wait_for('KV_STORAGE on hit-log.ts', function()
    return find_diag(object, 'KV_STORAGE') ~= nil
  end)
  log('diagnostics on hit-log.ts: %s', codes_of(published[object]))
  -- Not yet in any migration: generate below must clear this.
  if not find_diag(object, 'MIGRATION_MISSING') then
    fail('hit-log.ts lacks MIGRATION_MISSING: %s', codes_of(published[object]))
  end
  local kv = find_diag(object, 'KV_STORAGE')
  if kv.severity ~= vim.lsp.protocol.DiagnosticSeverity.Error then
    fail('KV_STORAGE has severity %s; the severity override asked for error (1)', tostring(kv.severity))
  end
  if not (vim.diagnostic.get(bufnr)[1]) then
    fail('vim.diagnostic has nothing for the buffer although the server published')
  end

  -- 2. Hover over the definition: it names the binding and the class.
  local hover = request(client, bufnr, 'textDocument/hover', {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    position = position_of(bufnr, 'defineDurableObject<'),
  })
  local hover_text = hover and text_of(hover.contents) or ''
  if not hover_text:find('HIT_LOG', 1, true) or not hover_text:find('HitLog', 1, true) then
    fail('hover over defineDurableObject lacks HIT_LOG/HitLog: %q', hover_text)
  end
  log('hover: %s', (hover_text:gsub('%s+', ' '):sub(1, 120)))

  -- 3. The KV_STORAGE quick fix adds `sqlite: true`.
  local actions = request(client, bufnr, 'textDocument/codeAction', {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = kv.range,
    context = { diagnostics = { kv }, only = { 'quickfix' } },
  }) or {}
  local fix
  for _, a in ipairs(actions) do
    if (a.title or ''):lower():find('sqlite', 1, true) then
      fix = a
      break
    end
  end
  if not fix then
    fail('no sqlite quick fix for KV_STORAGE; offered: %s', titles(actions))
  end
  log('applying quick fix %q', fix.title)
  local before = publish_count
  apply(client, bufnr, fix)
  vim.cmd('silent wall')
  local text = read_file(object) or ''
  if count(text, 'sqlite: true') ~= 1 then
    fail('hit-log.ts on disk should hold one `sqlite: true` after the fix:\n%s', text)
  end
  if vim.bo[bufnr].modified then
    fail('hit-log.ts still modified after :wall')
  end
  wait_for('KV_STORAGE to clear after the fix', function()
    return publish_count > before and find_diag(object, 'KV_STORAGE') == nil
  end)
  log('after the fix: %s', codes_of(published[object]))

  -- 4. The generate source action writes the binding and a new migration.
  local sources = request(client, bufnr, 'textDocument/codeAction', {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = { start = { line = 0, character = 0 }, ['end'] = { line = 0, character = 0 } },
    context = { diagnostics = {}, only = { 'source.cloudwerk.generate' } },
  }) or {}
  local generate
  for _, a in ipairs(sources) do
    if a.kind == 'source.cloudwerk.generate' then
      generate = a
      break
    end
  end
  if not generate then
    fail('no source.cloudwerk.generate action; offered: %s', titles(sources))
  end
  log('applying source action %q', generate.title)
  apply(client, bufnr, generate)
  local toml
  wait_for('wrangler.toml to gain the HIT_LOG binding and a v2 migration', function()
    vim.cmd('silent! wall')
    toml = read_file(wrangler) or ''
    return toml:find('"HIT_LOG"', 1, true) ~= nil and toml:find('tag = "v2"', 1, true) ~= nil
  end)
  -- The applied v1 entry and the comment survive byte for byte; the new
  -- class is created SQLite-backed.
  if not toml:find('# Fixture for the Neovim end-to-end test.\n', 1, true)
    or not toml:find('[[migrations]]\ntag = "v1"\nnew_sqlite_classes = ["Counter"]\n', 1, true) then
    fail('wrangler.toml lost bytes outside the managed arrays:\n%s', toml)
  end
  if not toml:find('new_sqlite_classes = ["HitLog"]', 1, true) then
    fail('wrangler.toml should create HitLog with new_sqlite_classes:\n%s', toml)
  end
  log('wrangler.toml now binds HIT_LOG and migrates HitLog in v2')

  -- The server sees the new wrangler.toml (its own watcher: Neovim 0.7
  -- offers no didChangeWatchedFiles) and the migration finding clears.
  wait_for('MIGRATION_MISSING to clear on hit-log.ts', function()
    return published[object] ~= nil
      and find_diag(object, 'MIGRATION_MISSING') == nil
      and find_diag(object, 'BINDING_MISSING') == nil
  end)
  log('after generate: %s', codes_of(published[object]))

  -- The same action wrote the types and the class.
  local dts = read_file(app .. '/.cloudwerk/types/durable-objects.d.ts') or ''
  if not dts:find('HitLog', 1, true) or not dts:find('record(', 1, true) then
    fail('durable-objects.d.ts lacks HitLog.record:\n%s', dts)
  end
  if not read_file(app .. '/.cloudwerk/generated/objects/HitLog.ts') then
    fail('.cloudwerk/generated/objects/HitLog.ts was not written')
  end
  log('types and classes written')

  -- 5. Go to definition from a route file lands on the object file.
  vim.cmd('edit ' .. vim.fn.fnameescape(app .. '/app/routes/api/hits/route.ts'))
  local route = vim.api.nvim_get_current_buf()
  wait_for('the client to attach to the route file', function()
    return attached[route] ~= nil
  end)
  if single_client(route).id ~= client.id then
    fail('the route file got a second server; one per app root is expected')
  end
  local pos = position_of(route, 'HitLog.get')
  local def = request(client, route, 'textDocument/definition', {
    textDocument = { uri = vim.uri_from_bufnr(route) },
    position = pos,
  })
  if def and (def.uri or def.targetUri) then
    def = { def }
  end
  local target = def and def[1] and (def[1].uri or def[1].targetUri)
  if not target or vim.uri_to_fname(target) ~= object then
    fail('definition of durableObjects.HitLog: got %s, want %s', vim.inspect(def), object)
  end
  log('definition of durableObjects.HitLog -> %s', vim.fn.fnamemodify(object, ':t'))

  -- 6. :CloudwerkGenerate types rewrites a deleted types file.
  local dts_path = app .. '/.cloudwerk/types/durable-objects.d.ts'
  os.remove(dts_path)
  local notes = {}
  vim.notify = function(msg, level)
    notes[#notes + 1] = string.format('[%s] %s', tostring(level), msg)
  end
  vim.cmd('CloudwerkGenerate types')
  -- The file is written before the reply; the reply becomes a notification.
  local ok = vim.wait(WAIT_MS, function()
    return #notes > 0 and (read_file(dts_path) or ''):find('record(', 1, true) ~= nil
  end, 50)
  if not ok then
    fail(':CloudwerkGenerate types did not rewrite the types; notifications: %s', table.concat(notes, ' | '))
  end
  if notes[1]:find('^%[' .. vim.log.levels.ERROR .. '%]') then
    fail(':CloudwerkGenerate reported an error: %s', notes[1])
  end
  if read_file(app .. '/wrangler.toml') ~= toml then
    fail(':CloudwerkGenerate types touched wrangler.toml')
  end
  log(':CloudwerkGenerate types rewrote durable-objects.d.ts (%s)', table.concat(notes, ' | '))

  -- 7. A stopped server is forgotten and a new one starts for the next file
  -- (on 0.7 the plugin's own per-root cache does the forgetting).
  local cloudwerk = require('cloudwerk')
  if LEGACY and cloudwerk.client_for(app) ~= client.id then
    fail('client cache holds %s for the app, want %d', tostring(cloudwerk.client_for(app)), client.id)
  end
  call(client, 'stop')
  wait_for('the server to stop', function()
    -- 0.11 marks the client stopped before it runs the on_exit callbacks.
    return is_stopped(client) and exits[client.id] ~= nil and (not LEGACY or cloudwerk.client_for(app) == nil)
  end)
  -- After shutdown + exit the server exits 0; the -race build exits 66 when
  -- it saw a data race while serving this session.
  local exit = exits[client.id]
  if not exit or exit.code ~= 0 then
    fail('server exited with %s after shutdown/exit, want code 0 (66 = data race)', vim.inspect(exit))
  end
  vim.cmd('edit ' .. vim.fn.fnameescape(app .. '/app/objects/counter.ts'))
  local counter = vim.api.nvim_get_current_buf()
  wait_for('a new client for counter.ts', function()
    return attached[counter] ~= nil
  end)
  local again = single_client(counter)
  if again.id == client.id then
    fail('counter.ts attached to the stopped client')
  end
  log('restarted: client %d after client %d stopped', again.id, client.id)
end

local ok, err = pcall(run)
for _, c in ipairs(all_clients()) do
  call(c, 'stop')
end
if ok then
  log('PASS')
  vim.cmd('qall!')
else
  local msg = type(err) == 'table' and err.msg or tostring(err)
  io.stderr:write('nvim-e2e: FAIL: ' .. msg .. '\n')
  io.stderr:flush()
  vim.cmd('cquit 1')
end
