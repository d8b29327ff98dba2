-- Unit tests of the plugin's pure parts, run headless without a server:
-- root detection over scratch folder layouts, and which start path setup()
-- takes for each Neovim API generation. The APIs of the other generations are
-- stood in for (and the real ones hidden while they are), so the same cases
-- pass on Neovim 0.7 and 0.11; on 0.11 the real vim.lsp.config also resolves
-- lsp/cloudwerk.lua from the runtimepath.
--
--   nvim --headless -u NONE -c 'luafile test/unit.lua'   (CLOUDWERK_PLUGIN set)

local plugin = assert(os.getenv('CLOUDWERK_PLUGIN'), 'CLOUDWERK_PLUGIN is not set')
vim.opt.runtimepath:prepend(plugin)

local passed, failed = 0, 0

local function check(name, got, want)
  if vim.deep_equal(got, want) then
    passed = passed + 1
  else
    failed = failed + 1
    io.stderr:write(string.format('FAIL %s: got %s, want %s\n', name, vim.inspect(got), vim.inspect(want)))
  end
end

local function write(path, text)
  vim.fn.mkdir(vim.fn.fnamemodify(path, ':h'), 'p')
  local f = assert(io.open(path, 'wb'))
  f:write(text or '')
  f:close()
end

-- fresh reloads the plugin modules so each case starts from a clean state.
local function fresh()
  package.loaded['cloudwerk'] = nil
  package.loaded['cloudwerk.root'] = nil
  return require('cloudwerk'), require('cloudwerk.root')
end

local base = vim.fn.resolve(vim.fn.tempname())
vim.fn.mkdir(base, 'p')

local _, root = fresh()

-- Root detection: a table of layouts (files to create) and where a file resolves.
local cases = {
  {
    name = 'wrangler.toml with app/objects',
    files = { 'wrangler.toml', 'app/objects/counter.ts' },
    open = 'app/objects/counter.ts',
    want = '',
  },
  {
    name = 'route file deep below the root',
    files = { 'wrangler.jsonc', 'app/objects/a.ts', 'app/routes/api/x/route.ts' },
    open = 'app/routes/api/x/route.ts',
    want = '',
  },
  {
    name = 'the wrangler file itself',
    files = { 'wrangler.json', 'app/objects/a.ts' },
    open = 'wrangler.json',
    want = '',
  },
  {
    name = 'marker without an objects folder does not attach',
    files = { 'wrangler.toml', 'src/index.ts' },
    open = 'src/index.ts',
    want = nil,
  },
  {
    name = 'objects folder without a marker does not attach',
    files = { 'app/objects/a.ts' },
    open = 'app/objects/a.ts',
    want = nil,
  },
  {
    name = 'appDir read from cloudwerk.config.ts',
    files = {
      ['cloudwerk.config.ts'] = "export default defineConfig({\n  appDir: 'src',\n})\n",
      'src/objects/a.ts',
    },
    open = 'src/objects/a.ts',
    want = '',
  },
  {
    name = 'appDir elsewhere: app/objects alone does not count',
    files = {
      ['cloudwerk.config.mjs'] = 'export default { appDir: "./web/" }\n',
      'app/objects/a.ts',
    },
    open = 'app/objects/a.ts',
    want = nil,
  },
  {
    name = 'non-literal appDir falls back to app',
    files = {
      ['cloudwerk.config.js'] = 'export default { appDir: process.env.DIR }\n',
      'app/objects/a.ts',
    },
    open = 'app/objects/a.ts',
    want = '',
  },
  {
    name = 'nested package without objects: the search goes on upwards',
    files = { 'wrangler.toml', 'app/objects/a.ts', 'packages/lib/wrangler.toml', 'packages/lib/x.ts' },
    open = 'packages/lib/x.ts',
    want = '',
  },
  {
    name = 'the nearest app wins',
    files = { 'wrangler.toml', 'app/objects/a.ts', 'sub/wrangler.toml', 'sub/app/objects/b.ts' },
    open = 'sub/app/objects/b.ts',
    want = 'sub',
  },
}

for i, c in ipairs(cases) do
  local dir = base .. '/case' .. i
  for k, v in pairs(c.files) do
    if type(k) == 'number' then
      write(dir .. '/' .. v, '')
    else
      write(dir .. '/' .. k, v)
    end
  end
  local want = c.want
  if want ~= nil then
    want = want == '' and dir or dir .. '/' .. want
  end
  check('root: ' .. c.name, root.find(dir .. '/' .. c.open), want)
end

check('root: empty name', root.find(''), nil)
check('root: non-file URI', root.find('fugitive:///x/app/objects/a.ts'), nil)
check('root: a folder path', root.find(base .. '/case1/app/objects'), base .. '/case1')

-- config(): severity shorthand lands in both places the server reads.
local cloudwerk = fresh()
local cfg = cloudwerk.config({ severity = { KV_STORAGE = 'error' } })
check('config: default cmd', cfg.cmd, { 'cloudwerk-lsp', 'serve' })
check('config: init_options severity', cfg.init_options, { severity = { KV_STORAGE = 'error' } })
check('config: no settings from severity', cfg.settings, nil)
check('config: severity merged over init_options', cloudwerk.config({
  init_options = { severity = { NO_INIT = 'off' }, other = 1 },
  severity = { KV_STORAGE = 'hint' },
}).init_options, { severity = { NO_INIT = 'off', KV_STORAGE = 'hint' }, other = 1 })
check('config: nothing to send', { cloudwerk.config({}).init_options, cloudwerk.config({}).settings }, {})

-- lsp/cloudwerk.lua (0.11): its root_dir calls on_dir only inside an app.
local spec = dofile(plugin .. '/lsp/cloudwerk.lua')
check('lsp/cloudwerk.lua cmd', spec.cmd, { 'cloudwerk-lsp', 'serve' })
check('lsp/cloudwerk.lua filetypes', spec.filetypes,
  { 'typescript', 'typescriptreact', 'javascript', 'javascriptreact', 'toml', 'json', 'jsonc' })
local function root_dir_of(path)
  local bufnr = vim.fn.bufadd(path)
  local got
  spec.root_dir(bufnr, function(d)
    got = d
  end)
  return got
end
check('lsp/cloudwerk.lua root_dir inside', root_dir_of(base .. '/case1/app/objects/counter.ts'), base .. '/case1')
check('lsp/cloudwerk.lua root_dir outside', root_dir_of(base .. '/case4/src/index.ts'), nil)

-- On a real 0.11 the runtimepath's lsp/cloudwerk.lua is what vim.lsp.config
-- resolves for the name (the vim.lsp.enable('cloudwerk') path users take).
if vim.fn.has('nvim-0.11') == 1 then
  local resolved = vim.lsp.config.cloudwerk
  check('0.11 real: vim.lsp.config resolves lsp/cloudwerk.lua', resolved and resolved.cmd, { 'cloudwerk-lsp', 'serve' })
  check('0.11 real: filetypes', resolved and resolved.filetypes, spec.filetypes)
  check('0.11 real: root_dir is the plugin\'s function', resolved and type(resolved.root_dir), 'function')
end

local saved = {
  config = vim.lsp.config,
  enable = vim.lsp.enable,
  start = vim.lsp.start,
  start_client = vim.lsp.start_client,
  buf_attach_client = vim.lsp.buf_attach_client,
}
-- hide makes setup() see an older API generation: the newer entry points are
-- removed until restore().
local function hide(...)
  for _, k in ipairs({ ... }) do
    vim.lsp[k] = nil
  end
end
local function restore()
  for k, v in pairs(saved) do
    vim.lsp[k] = v
  end
end

-- setup() on a 0.11-style API: config + enable, user options merged.
local recorded = {}
cloudwerk = fresh()
vim.lsp.config = setmetatable({}, {
  __call = function(_, name, c)
    recorded.config = { name = name, cfg = c }
  end,
})
vim.lsp.enable = function(name)
  recorded.enabled = name
end
cloudwerk.setup({ cmd = { 'my-cloudwerk-lsp', 'serve' }, severity = { NO_INIT = 'off' } })
check('0.11: enabled', recorded.enabled, 'cloudwerk')
check('0.11: config name', recorded.config and recorded.config.name, 'cloudwerk')
check('0.11: cmd override', recorded.config and recorded.config.cfg.cmd, { 'my-cloudwerk-lsp', 'serve' })
check('0.11: severity', recorded.config and recorded.config.cfg.init_options, { severity = { NO_INIT = 'off' } })
check('0.11: root_dir kept', recorded.config and type(recorded.config.cfg.root_dir), 'function')
restore()

-- open_ts edits a file as typescript (firing FileType) and returns its buffer.
local function open_ts(rel)
  vim.cmd('silent edit ' .. vim.fn.fnameescape(base .. '/' .. rel))
  vim.bo.filetype = 'typescript'
  return vim.api.nvim_get_current_buf()
end

-- setup() on a 0.8-style API: vim.lsp.start on FileType, only inside an app.
local starts = {}
cloudwerk = fresh()
hide('config', 'enable')
vim.lsp.start = function(c, opts)
  starts[#starts + 1] = { root_dir = c.root_dir, name = c.name, bufnr = opts and opts.bufnr }
  return 1
end
cloudwerk.setup({})
local inside = open_ts('case1/app/objects/counter.ts')
open_ts('case4/src/index.ts')
check('0.8: one start, inside the app only', starts,
  { { root_dir = base .. '/case1', name = 'cloudwerk', bufnr = inside } })
restore()

-- setup() on a 0.7-style API: start_client once per app root, then attach.
-- (On a real 0.7 the e2e test runs this path against the server.)
local started, attached = {}, {}
cloudwerk = fresh()
hide('config', 'enable', 'start')
-- setup() attaches loaded buffers too: start from none.
vim.cmd('silent %bwipeout!')
vim.lsp.start_client = function(c)
  started[#started + 1] = c.root_dir
  return 40 + #started
end
vim.lsp.buf_attach_client = function(bufnr, id)
  attached[#attached + 1] = { bufnr = bufnr, id = id }
  return true
end
local real_get_client, real_is_stopped = vim.lsp.get_client_by_id, vim.lsp.client_is_stopped
vim.lsp.get_client_by_id = function(id)
  return { id = id }
end
vim.lsp.client_is_stopped = function()
  return false
end
cloudwerk.setup({})
local first = open_ts('case2/app/objects/a.ts')
local second = open_ts('case2/app/routes/api/x/route.ts')
vim.lsp.get_client_by_id, vim.lsp.client_is_stopped = real_get_client, real_is_stopped
restore()
check('0.7: one server for the app', started, { base .. '/case2' })
check('0.7: both buffers attached to it', attached, { { bufnr = first, id = 41 }, { bufnr = second, id = 41 } })
check('0.7: client cache', cloudwerk.client_for(base .. '/case2'), 41)

vim.fn.delete(base, 'rf')
io.stdout:write(string.format('%d passed, %d failed\n', passed, failed))
vim.cmd(failed == 0 and 'qall!' or 'cquit 1')
