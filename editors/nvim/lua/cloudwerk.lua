-- Starts cloudwerk-lsp for Cloudwerk apps on every Neovim from 0.7 on:
-- 0.11+ through vim.lsp.config/vim.lsp.enable, 0.8-0.10 through a FileType
-- autocommand and vim.lsp.start, 0.7 through vim.lsp.start_client with one
-- client per app root.
local root = require('cloudwerk.root')

local M = {}

M.name = 'cloudwerk'

M.filetypes = {
  'typescript',
  'typescriptreact',
  'javascript',
  'javascriptreact',
  'toml',
  'json',
  'jsonc',
}

M.default_cmd = { 'cloudwerk-lsp', 'serve' }

-- 0.7 only: app root -> client id of the running server for it.
local clients_by_root = {}

-- with_severity folds the `severity` shorthand ({ CODE = 'error' }) into
-- initializationOptions.severity, where the server reads overrides.
local function with_severity(opts)
  local init_options = vim.deepcopy(opts.init_options or {})
  local settings = vim.deepcopy(opts.settings or {})
  if opts.severity and next(opts.severity) then
    init_options.severity = vim.tbl_extend('force', init_options.severity or {}, opts.severity)
  end
  -- Send nothing rather than an empty table.
  if next(init_options) == nil then
    init_options = nil
  end
  if next(settings) == nil then
    settings = nil
  end
  return init_options, settings
end

-- config builds the client configuration shared by every Neovim version.
-- root_dir is filled in by the caller.
function M.config(opts)
  opts = opts or {}
  local init_options, settings = with_severity(opts)
  local cfg = {
    name = M.name,
    cmd = opts.cmd or M.default_cmd,
    filetypes = opts.filetypes or M.filetypes,
    init_options = init_options,
    settings = settings,
    on_attach = opts.on_attach,
    on_exit = opts.on_exit,
    capabilities = opts.capabilities,
    handlers = opts.handlers,
  }
  if opts.cmd_env then
    cfg.cmd_env = opts.cmd_env
  end
  return cfg
end

local function filetype_matches(filetypes, ft)
  for _, f in ipairs(filetypes) do
    if f == ft then
      return true
    end
  end
  return false
end

local function buffer_is_file(bufnr)
  return vim.api.nvim_buf_is_valid(bufnr)
    and vim.api.nvim_buf_get_option(bufnr, 'buftype') == ''
    and vim.api.nvim_buf_get_name(bufnr) ~= ''
end

-- app_root is the Cloudwerk app root of a file buffer, or nil (no server then).
local function app_root(bufnr)
  if not buffer_is_file(bufnr) then
    return nil
  end
  return root.for_buffer(bufnr)
end

-- config_for_root copies the client config for one app root (functions such as
-- on_attach are kept as they are, not deep-copied).
local function config_for_root(cfg, dir)
  local c = vim.deepcopy(cfg)
  c.on_attach = cfg.on_attach
  c.root_dir = dir
  c.workspace_folders = { { uri = vim.uri_from_fname(dir), name = dir } }
  return c
end

-- start_modern is the 0.8-0.10 path: vim.lsp.start reuses a client with the
-- same name and root_dir, so one server runs per app.
local function start_modern(cfg, bufnr)
  local dir = app_root(bufnr)
  if not dir then
    return
  end
  local c = config_for_root(cfg, dir)
  vim.api.nvim_buf_call(bufnr, function()
    vim.lsp.start(c, { bufnr = bufnr })
  end)
end

-- start_legacy is the 0.7 path: start_client once per root, then attach.
local function start_legacy(cfg, bufnr)
  local dir = app_root(bufnr)
  if not dir then
    return
  end
  local id = clients_by_root[dir]
  if id and (not vim.lsp.get_client_by_id(id) or vim.lsp.client_is_stopped(id)) then
    id = nil
  end
  if not id then
    local c = config_for_root(cfg, dir)
    local user_on_exit = cfg.on_exit
    c.on_exit = function(code, signal, client_id)
      if clients_by_root[dir] == client_id then
        clients_by_root[dir] = nil
      end
      if user_on_exit then
        user_on_exit(code, signal, client_id)
      end
    end
    id = vim.lsp.start_client(c)
    if not id then
      vim.notify('cloudwerk: could not start ' .. table.concat(cfg.cmd, ' '), vim.log.levels.ERROR)
      return
    end
    clients_by_root[dir] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
end

-- client_for returns the running client id for a root (0.7 path), for tests
-- and status lines.
function M.client_for(dir)
  return clients_by_root[dir]
end

local function attach_on_filetype(cfg, start)
  local group = vim.api.nvim_create_augroup('cloudwerk_lsp', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = cfg.filetypes,
    callback = function(args)
      start(cfg, args.buf)
    end,
  })
  -- Buffers opened before setup() already had their FileType event.
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr)
      and filetype_matches(cfg.filetypes, vim.api.nvim_buf_get_option(bufnr, 'filetype')) then
      start(cfg, bufnr)
    end
  end
end

-- client_for_buffer returns the cloudwerk client attached to bufnr, or nil.
-- get_active_clients takes no filter on 0.7, so filter here.
local function client_for_buffer(bufnr)
  local list = vim.lsp.get_clients and vim.lsp.get_clients() or vim.lsp.get_active_clients()
  for _, c in ipairs(list) do
    if c.name == M.name and vim.lsp.buf_is_attached(bufnr, c.id) then
      return c
    end
  end
  return nil
end

-- generate asks the server to regenerate the app of bufnr (default: the
-- current buffer). targets is "types,classes,wrangler" or a part of it ("" or
-- nil: all). The server writes the files itself, atomically. on_done, when
-- given, gets (err, message).
function M.generate(targets, bufnr, on_done)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local function done(err, msg)
    if on_done then
      on_done(err, msg)
    elseif err then
      vim.notify('cloudwerk: ' .. err, vim.log.levels.ERROR)
    else
      vim.notify(msg or 'cloudwerk: generated', vim.log.levels.INFO)
    end
  end
  local client = client_for_buffer(bufnr)
  if not client then
    done('cloudwerk-lsp is not running for this buffer')
    return
  end
  local params = {
    command = 'cloudwerk.generate',
    arguments = { vim.api.nvim_buf_get_name(bufnr), targets or '' },
  }
  local function handler(err, result)
    if err then
      done(type(err) == 'table' and (err.message or vim.inspect(err)) or tostring(err))
    else
      done(nil, type(result) == 'string' and result or nil)
    end
  end
  -- 0.11 made request a method; earlier versions call it as a field.
  if vim.fn.has('nvim-0.11') == 1 then
    client:request('workspace/executeCommand', params, handler, bufnr)
  else
    client.request('workspace/executeCommand', params, handler, bufnr)
  end
end

local function create_commands()
  vim.api.nvim_create_user_command('CloudwerkGenerate', function(args)
    M.generate(args.args, 0)
  end, {
    nargs = '?',
    desc = 'Regenerate Cloudwerk types, classes and wrangler config (targets: types,classes,wrangler)',
  })
end

-- lsp_config is the 0.11+ configuration table; lsp/cloudwerk.lua returns it.
-- Users of vim.lsp.enable('cloudwerk') never call setup(), so the user
-- commands are created here, when Neovim first resolves the configuration.
function M.lsp_config()
  create_commands()
  return {
    cmd = M.default_cmd,
    filetypes = M.filetypes,
    -- Attach only inside an app (a root marker plus an objects folder); with
    -- no call to on_dir the buffer gets no client.
    root_dir = function(bufnr, on_dir)
      local dir = root.for_buffer(bufnr)
      if dir then
        on_dir(dir)
      end
    end,
  }
end

-- setup starts cloudwerk-lsp for Cloudwerk apps. Options:
--   cmd           command list (default { 'cloudwerk-lsp', 'serve' })
--   filetypes     filetypes to attach to
--   severity      { CODE = 'error'|'warning'|'info'|'hint'|'off' } overrides
--   settings      workspace settings (answers to workspace/configuration)
--   init_options  initializationOptions
--   on_attach     function(client, bufnr)
--   on_exit       function(code, signal, client_id)
--   capabilities  client capabilities (e.g. from a completion plugin)
--   handlers      LSP handler overrides
--   cmd_env       extra environment for the server process
function M.setup(opts)
  local cfg = M.config(opts)
  create_commands()
  -- Detect the API rather than the version: vim.lsp.config is a callable
  -- table from 0.11 on, vim.lsp.start exists from 0.8 on.
  if vim.lsp.config ~= nil and type(vim.lsp.enable) == 'function' then
    local merged = M.lsp_config()
    for _, key in ipairs({ 'cmd', 'filetypes', 'init_options', 'settings', 'on_attach', 'on_exit', 'capabilities', 'handlers', 'cmd_env' }) do
      if cfg[key] ~= nil then
        merged[key] = cfg[key]
      end
    end
    vim.lsp.config(M.name, merged)
    vim.lsp.enable(M.name)
  elseif type(vim.lsp.start) == 'function' then
    attach_on_filetype(cfg, start_modern)
  else
    attach_on_filetype(cfg, start_legacy)
  end
end

return M
