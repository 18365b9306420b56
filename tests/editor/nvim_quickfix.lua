-- Drives headless Neovim (0.7+) as a real LSP client of fastapi-status: open a file, wait for the
-- server's diagnostics, pick the preferred quick fix through Neovim's own code-action flow
-- (vim.lsp.buf.code_action -> codeAction/resolve -> apply the workspace edit), write the file.
-- Reads FST_FILE, FST_PYTHON, FST_OUT from the environment; writes a JSON report to FST_OUT.
local file, python, out_path = os.getenv("FST_FILE"), os.getenv("FST_PYTHON"), os.getenv("FST_OUT")
local report = { diagnostics = {}, steps = {} }

local function finish(err)
  report.error = err
  local fh = io.open(out_path, "w")
  fh:write(vim.fn.json_encode(report))
  fh:close()
  vim.cmd("qall!")
end

local function step(name)
  table.insert(report.steps, name)
end

local ok, err = pcall(function()
  vim.cmd("edit " .. vim.fn.fnameescape(file))
  local bufnr = vim.api.nvim_get_current_buf()
  local client_id = vim.lsp.start_client({
    name = "fastapi-status",
    cmd = { python, "-m", "fastapi_status", "lsp" },
    root_dir = vim.fn.fnamemodify(file, ":h"),
    init_options = { fastapiStatus = { debounce = 0 } },
  })
  assert(client_id, "the server did not start")
  vim.lsp.buf_attach_client(bufnr, client_id)
  step("attached")

  assert(vim.wait(30000, function()
    return #vim.diagnostic.get(bufnr) >= 5
  end, 50), "no diagnostics within 30 s")
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    local lsp = d.user_data and d.user_data.lsp or {}
    table.insert(report.diagnostics, { code = d.code or lsp.code, line = d.lnum, col = d.col, source = d.source })
  end
  step("diagnostics")

  -- The FST102 squiggle sits on the body a 204 route returns: put the cursor there and ask for
  -- the code actions the way a user does; the menu picks the preferred (safe) one.
  local target
  for _, d in ipairs(report.diagnostics) do
    if d.code == "FST102" then target = d end
  end
  assert(target, "no FST102 diagnostic")
  vim.api.nvim_win_set_cursor(0, { target.line + 1, target.col })
  local offered = {}
  vim.ui.select = function(items, _, on_choice)
    for i, item in ipairs(items) do
      local action = item.action or item[2]
      table.insert(offered, { title = action.title, preferred = action.isPreferred or false })
    end
    for i, item in ipairs(items) do
      local action = item.action or item[2]
      if action.isPreferred then
        return on_choice(item, i)
      end
    end
    on_choice(nil)
  end
  local before = vim.api.nvim_buf_get_lines(bufnr, target.line, target.line + 1, false)[1]
  vim.lsp.buf.code_action()
  assert(vim.wait(30000, function()
    return vim.api.nvim_buf_get_lines(bufnr, target.line, target.line + 1, false)[1] ~= before
  end, 50), "the preferred quick fix did not change the buffer")
  report.offered = offered
  step("fixed")
  vim.cmd("write")
  step("written")
end)
finish(ok and vim.NIL or tostring(err))
