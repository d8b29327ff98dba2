-- Finds the Cloudwerk app a file belongs to. Plain Lua over vim.loop and
-- vim.fn only, so it runs on Neovim 0.7 (which has no vim.fs).
local M = {}

-- Files that mark a project root, in the order they are looked for.
M.markers = {
  'cloudwerk.config.ts',
  'cloudwerk.config.js',
  'cloudwerk.config.mjs',
  'wrangler.json',
  'wrangler.jsonc',
  'wrangler.toml',
}

M.default_app_dir = 'app'

local uv = vim.loop

local function stat_type(path)
  local st = uv.fs_stat(path)
  return st and st.type or nil
end

local function join(a, b)
  if a:sub(-1) == '/' then
    return a .. b
  end
  return a .. '/' .. b
end

-- parent returns the folder above path, or nil at the filesystem root.
local function parent(path)
  local p = vim.fn.fnamemodify(path, ':h')
  if p == path or p == '' then
    return nil
  end
  return p
end

local function read_head(path, limit)
  local fd = uv.fs_open(path, 'r', 438)
  if not fd then
    return nil
  end
  local data = uv.fs_read(fd, limit, 0)
  uv.fs_close(fd)
  return data
end

-- app_dir reads `appDir: '...'` from a cloudwerk config when it is a plain
-- string literal; anything else (or no config) means the default. The server
-- reads the config properly; this only decides where to attach.
function M.app_dir(root)
  for _, name in ipairs({ 'cloudwerk.config.ts', 'cloudwerk.config.js', 'cloudwerk.config.mjs' }) do
    local path = join(root, name)
    if stat_type(path) == 'file' then
      local text = read_head(path, 65536) or ''
      local dir = text:match('appDir%s*:%s*[\'"`]([^\'"`\n]+)[\'"`]')
      if dir and not dir:find('%.%.') then
        dir = dir:gsub('^%./', ''):gsub('/+$', '')
        if dir ~= '' then
          return dir
        end
      end
      return M.default_app_dir
    end
  end
  return M.default_app_dir
end

local function has_marker(dir)
  for _, name in ipairs(M.markers) do
    if stat_type(join(dir, name)) == 'file' then
      return true
    end
  end
  return false
end

-- is_app reports whether dir is a Cloudwerk app root: it has a root marker and
-- an objects folder under its app dir.
function M.is_app(dir)
  return has_marker(dir) and stat_type(join(join(dir, M.app_dir(dir)), 'objects')) == 'directory'
end

-- find returns the nearest folder at or above path's folder that is a
-- Cloudwerk app root, or nil. A folder with a marker but no objects folder
-- (a nested package, a worker without objects) does not stop the search.
function M.find(path)
  if type(path) ~= 'string' or path == '' or path:find('^%a[%w+.-]*://') then
    return nil
  end
  path = vim.fn.fnamemodify(path, ':p')
  local dir = path
  if stat_type(dir) ~= 'directory' then
    dir = parent(dir)
  end
  dir = dir and dir:gsub('(.)/+$', '%1')
  while dir do
    if M.is_app(dir) then
      return dir
    end
    dir = parent(dir)
  end
  return nil
end

-- for_buffer returns the app root of a buffer's file, or nil.
function M.for_buffer(bufnr)
  return M.find(vim.api.nvim_buf_get_name(bufnr))
end

return M
