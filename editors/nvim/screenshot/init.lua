-- Neovim setup for the README screenshot: the plugin, a visible diagnostic
-- and a hover window over the object definition. Used by capture.sh.
vim.opt.runtimepath:prepend(os.getenv('CLOUDWERK_PLUGIN'))
vim.cmd('filetype plugin on')
vim.cmd('syntax on')
vim.opt.termguicolors = true
vim.opt.number = true
vim.opt.signcolumn = 'yes'
vim.opt.laststatus = 2
vim.opt.shortmess:append('I')
vim.opt.swapfile = false

-- Neovim 0.7's default floats are magenta; give them a quiet dark theme.
vim.cmd([[
  highlight NormalFloat guibg=#262a33 guifg=#d8dee9
  highlight FloatBorder guibg=#262a33 guifg=#6b7689
  highlight SignColumn guibg=NONE
  highlight LineNr guifg=#5c6370
  highlight StatusLine gui=NONE guibg=#3b4252 guifg=#d8dee9
  highlight DiagnosticVirtualTextError guifg=#e06c75 guibg=#3a2a2e
  highlight DiagnosticVirtualTextWarn guifg=#e5c07b guibg=#3a352a
]])

vim.diagnostic.config({
  virtual_text = {
    prefix = '■',
    format = function(d)
      return string.format('%s: %s', d.code, d.message)
    end,
  },
  severity_sort = true,
})
local has_011 = vim.fn.has('nvim-0.11') == 1
if has_011 then
  -- 0.11 takes the border as an option (vim.lsp.with is deprecated there).
  vim.o.winborder = 'rounded'
  vim.lsp.config('cloudwerk', { cmd = { os.getenv('CLOUDWERK_BIN'), 'serve' } })
  vim.lsp.enable('cloudwerk')
else
  vim.lsp.handlers['textDocument/hover'] = vim.lsp.with(vim.lsp.handlers.hover, { border = 'rounded' })
  require('cloudwerk').setup({ cmd = { os.getenv('CLOUDWERK_BIN'), 'serve' } })
end

-- Once diagnostics arrive, put the cursor on the definition and hover.
local ready = os.getenv('CLOUDWERK_READY')
vim.api.nvim_create_autocmd('DiagnosticChanged', {
  once = true,
  callback = function()
    vim.defer_fn(function()
      vim.fn.search('defineDurableObject<')
      vim.lsp.buf.hover()
      vim.defer_fn(function()
        local f = io.open(ready, 'w')
        f:write('ok')
        f:close()
      end, 800)
    end, 300)
  end,
})
