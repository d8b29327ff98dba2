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

vim.diagnostic.config({ virtual_text = { prefix = '●', source = false }, severity_sort = true })
vim.lsp.handlers['textDocument/hover'] = vim.lsp.with(vim.lsp.handlers.hover, { border = 'rounded' })

require('cloudwerk').setup({ cmd = { os.getenv('CLOUDWERK_BIN'), 'serve' } })

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
