// The Lua side of the scripting sandbox: what Redis 7.0 scripts see, built
// on Lua 5.4 to look like Redis's Lua 5.1 (README "Lua scripting" lists
// what still differs). Run once per Lua state by sandbox.ts, with the
// JavaScript natives (redis.call, logging, sha1, the PRNG...) as arguments.
//
// Conventions inside this chunk (named "=[vermilion]"):
// - Functions here stand in for Redis's C functions. Their errors are raised
//   with error(msg) and so carry this chunk's position; the message handlers
//   (errh, pcall, xpcall, coroutine.resume) rewrite it to the position Redis
//   would report (its caller's, as luaL_error does) and count our frames as
//   one C frame when choosing the "script: ..., on @user_script:N." line.
// - Library functions are called through locals named like their public
//   names and never as tail calls, so Lua 5.4 names them right in
//   "bad argument #n to 'name'" errors.
// - Every table scripts can reach is a read-only proxy (Redis marks them
//   read-only in its Lua): writes fail with Redis's "Attempt to modify a
//   readonly table", reads of missing globals with "Script attempted to
//   access nonexistent global variable".
export const PRELUDE = String.raw`
local native, mode, version, versionNum = ...

local INTERNAL = '=[vermilion]'

local type, next, pairs, ipairs, select, rawget, rawset, rawequal, rawlen =
      type, next, pairs, ipairs, select, rawget, rawset, rawequal, rawlen
local setmetatable, getmetatable, tonumber, tostring = setmetatable, getmetatable, tonumber, tostring
local error, pcall, xpcall, load, assert, collectgarbage = error, pcall, xpcall, load, assert, collectgarbage
local sformat, ssub, smatch, sgsub = string.format, string.sub, string.match, string.gsub
local mfloor, mceil, mtype, mhuge, mtointeger = math.floor, math.ceil, math.type, math.huge, math.tointeger
local tconcat, tunpack = table.concat, table.unpack
local getinfo = debug.getinfo
local strlib, tablib, mathlib, corolib = string, table, math, coroutine

-- ---- numbers as Lua 5.1 prints them ------------------------------------------

-- Lua 5.1 formats every number with "%.14g"; 5.4 prints integers in full
-- and floats with a trailing ".0".
local function num2str(n)
  if mtype(n) == 'integer' then
    if n > -100000000000000 and n < 100000000000000 then return sformat('%d', n) end
    n = n + 0.0
  end
  return sformat('%.14g', n)
end

local function tostring51(v)
  if type(v) == 'number' then return num2str(v) end
  local s = tostring(v)
  -- glibc prints a NULL %p as "(nil)" (cjson.null is one).
  if s == 'userdata: 0' or s == 'userdata: 0x0' then return 'userdata: (nil)' end
  return s
end

-- Lua 5.1's luaL_checkint: numbers (and numeric strings) are truncated, where
-- Lua 5.4 refuses floats that have no integer representation.
local function toint(v)
  local t = type(v)
  if t == 'string' then
    local n = tonumber(v)
    if n == nil then return v end
    v = n
  elseif t ~= 'number' then
    return v
  end
  if mtype(v) == 'float' and v == v and v ~= mhuge and v ~= -mhuge then
    local i = v >= 0 and mfloor(v) or mceil(v)
    return mtointeger(i) or v
  end
  return v
end

-- Integral floats become integers where that is exact, so that they print
-- as Lua 5.1 prints them.
local function normnum(v)
  if mtype(v) == 'float' and v == v and v > -9007199254740992 and v < 9007199254740992 and v == mfloor(v)
    and (v ~= 0 or 1 / v > 0) then
    return mtointeger(v) or v
  end
  return v
end

-- ---- errors ------------------------------------------------------------------------

local CFRAME = { what = 'C', source = '=[C]', short_src = '[C]', currentline = -1 }

-- Frames from 'level' (relative to the caller) up.
local function collect(level, co)
  local out, n = {}, 0
  if co == nil then level = level + 1 end
  while n < 1000000 do
    local i
    if co then i = getinfo(co, level, 'Sl') else i = getinfo(level, 'Sl') end
    if not i then break end
    n = n + 1
    out[n] = i
    level = level + 1
  end
  return out
end

-- The stack as Redis would have it: each of our stand-ins for a Redis C
-- function (the 5.4 C functions it called, its Lua frames, and the C
-- trampoline that called it, see wrapAll) is one C frame.
local function redisFrames(f)
  local out, k = {}, 1
  while f[k] do
    local i = f[k]
    local nxt = f[k + 1]
    if i.source == INTERNAL or (i.what == 'C' and nxt and nxt.source == INTERNAL) then
      while f[k] and f[k].what == 'C' and f[k + 1] and f[k + 1].source == INTERNAL do k = k + 1 end
      while f[k] and f[k].source == INTERNAL do k = k + 1 end
      if f[k] and f[k].what == 'C' then k = k + 1 end
      out[#out + 1] = CFRAME
    else
      out[#out + 1] = i
      k = k + 1
    end
  end
  return out
end

-- Lua 5.4 names the variable after the type; Lua 5.1 before it.
local function msg51(m)
  return (sgsub(m, "attempt to ([%l ]-) a (%l+) value %((%l+) '(.-)'%)", function(op, tp, kind, name)
    if kind == 'constant' then return 'attempt to ' .. op .. ' a ' .. tp .. ' value' end
    return 'attempt to ' .. op .. ' ' .. kind .. " '" .. name .. "' (a " .. tp .. ' value)'
  end))
end

-- A message raised here carries our position; luaL_error would have given
-- the position of whoever called the C function (none if that was C, which
-- also leaves luaL_argerror without the function's name).
local function fixmsg(frames, m)
  local rest = smatch(m, '^%[vermilion%]:%d+: (.*)$')
  if rest then
    local caller = frames[2]
    if frames[1] == CFRAME and caller and caller.what ~= 'C' and caller.currentline > 0 then
      m = caller.short_src .. ':' .. caller.currentline .. ': ' .. rest
    else
      m = sgsub(rest, "^(bad argument #%d+ to )'[^']*'", "%1'?'")
    end
  end
  return msg51(m)
end

-- Redis's __redis__err__handler: the error as a table {err=..., source=..., line=...}.
local function errh(err)
  local f = redisFrames(collect(2))
  local i = f[1]
  if i and i.what == 'C' then i = f[2] end
  if type(err) == 'string' then err = fixmsg(f, err) end
  if type(err) ~= 'table' then
    err = { err = 'ERR ' .. tostring51(err) }
  end
  if i then
    err.source = i.source
    err.line = i.currentline
  end
  return err
end

-- error(): Lua 5.1 adds the position to numbers as well as strings; the
-- level counts frames as Redis has them (our stand-ins count as one).
local function error51(m, level)
  if level == nil then level = 1 else level = toint(level) end
  if type(m) == 'number' and type(level) == 'number' and level > 0 then m = num2str(m) end
  if type(m) == 'string' and type(level) == 'number' and level > 0 then
    -- From our C trampoline: it stands for Redis's error function itself.
    local f = redisFrames(collect(2))
    local i = f[1 + level]
    if i and i.what ~= 'C' and i.currentline > 0 then m = i.short_src .. ':' .. i.currentline .. ': ' .. m end
  end
  error(m, 0)
end

-- Compiler messages Lua 5.4 words differently: 5.1 quotes <eof>, <name>...
local TOKENS = { eof = true, name = true, string = true, number = true, integer = true }
local function syntax51(m)
  if type(m) ~= 'string' then return m end
  m = sgsub(m, "(.?)<(%l+)>(.?)", function(a, t, b)
    if a ~= "'" and b ~= "'" and TOKENS[t] then return a .. "'<" .. (t == 'integer' and 'number' or t) .. ">'" .. b end
  end)
  -- Lua 5.1 leaves this one unquoted.
  m = sgsub(m, "'<name>' or '%.%.%.' expected", "<name> or '...' expected")
  return (sgsub(m, 'syntax error near', "'=' expected near"))
end

local function pcallHandler(e)
  if type(e) == 'string' then return fixmsg(redisFrames(collect(2)), e) end
  return e
end

-- Redis's pcall: an error table raised by redis.call is returned as its
-- err string (Redis 7's luaRedisPcall).
local function pcallResult(ok, ...)
  if ok then return true, ... end
  local e = ...
  if type(e) == 'table' then
    local s = e.err
    if type(s) == 'string' or type(s) == 'number' then return false, s end
  end
  return false, e
end

local function pcall51(...)
  -- Redis's pcall calls whatever is first, its own placeholder when nothing is.
  if select('#', ...) == 0 then return false, 'attempt to call a boolean value' end
  local f = ...
  return pcallResult(xpcall(f, pcallHandler, select(2, ...)))
end

-- Lua 5.1's xpcall takes no arguments for the function.
local function xpcall51(...)
  if select('#', ...) < 2 then error("bad argument #2 to 'xpcall' (value expected)") end
  local f, h = ...
  return xpcall(f, function(e)
    if type(e) == 'string' then e = fixmsg(redisFrames(collect(2)), e) end
    return h(e)
  end)
end

-- ---- read-only tables --------------------------------------------------------------

local realOf = setmetatable({}, { __mode = 'k' })  -- proxy -> table
local proxyOf = setmetatable({}, { __mode = 'k' }) -- table -> proxy

local function readonly()
  error('Attempt to modify a readonly table', 2)
end

local function protect(t)
  local p = proxyOf[t]
  if p then return p end
  p = setmetatable({}, {
    __index = t,
    __newindex = readonly,
    __len = function() return #t end,
    __pairs = function() return next, t, nil end,
  })
  realOf[p] = t
  proxyOf[t] = p
  return p
end

local function realTable(t)
  return realOf[t] or t
end

local function nonexistent(_, k)
  local tk = type(k)
  if tk ~= 'string' and tk ~= 'number' then
    error('Second argument to luaProtectedTableError must be a string or number', 2)
  end
  error("Script attempted to access nonexistent global variable '" .. tostring51(k) .. "'", 2)
end

-- ---- base functions ----------------------------------------------------------------

local G = {}

G.assert = assert
G.collectgarbage = collectgarbage
G.error = error51
G.gcinfo = function() return mfloor(collectgarbage('count')) end
G.ipairs = ipairs
G.pairs = pairs
G.pcall = pcall51
G.rawequal = rawequal
G.select = function(...)
  if select('#', ...) == 0 then return (select()) end
  local n = ...
  return select(toint(n), select(2, ...))
end
G.tonumber = function(...)
  local v = tonumber(...)
  return (normnum(v))
end
G.tostring = function(...)
  if select('#', ...) == 0 then return (tostring()) end
  return (tostring51((...)))
end
G.type = type
G.xpcall = xpcall51
G._VERSION = 'Lua 5.1'

G.next = function(t, ...)
  return next(realTable(t), ...)
end

G.rawget = function(t, ...)
  return (rawget(realTable(t), ...))
end

G.rawset = function(t, ...)
  if realOf[t] then error('Attempt to modify a readonly table', 0) end
  return (rawset(t, ...))
end

G.getmetatable = function(...)
  local t = ...
  local r = realOf[t]
  if r then
    local mt = getmetatable(r)
    return mt and protect(mt)
  end
  local mt = getmetatable(...)
  if type(mt) == 'table' and (type(t) == 'string' or proxyOf[mt]) then return protect(mt) end
  return mt
end

G.setmetatable = function(t, ...)
  if realOf[t] then error('Attempt to modify a readonly table', 0) end
  return (setmetatable(t, ...))
end

G.unpack = function(...)
  local n = select('#', ...)
  local t, i, j = ...
  if n >= 3 then return tunpack(t, toint(i), toint(j)) end
  if n == 2 then return tunpack(t, toint(i)) end
  return tunpack(...)
end

-- load(func [, chunkname]): Lua 5.1 takes only a reader function.
G.load = function(...)
  local f, chunkname = ...
  if type(f) ~= 'function' then
    local got = select('#', ...) == 0 and 'no value' or type(f)
    error("bad argument #1 to 'load' (function expected, got " .. got .. ')')
  end
  local fn, err = load(f, chunkname or '=(load)', 't')
  return fn, syntax51(err)
end

G.loadstring = function(...)
  local s, chunkname = ...
  if type(s) == 'number' then s = num2str(s) end
  if type(s) ~= 'string' then
    local got = select('#', ...) == 0 and 'no value' or type(s)
    error("bad argument #1 to 'loadstring' (string expected, got " .. got .. ')')
  end
  local fn, err = load(s, chunkname or s, 't')
  return fn, syntax51(err)
end

-- ---- string ---------------------------------------------------------------------

local S = {}
for _, k in ipairs({ 'len', 'lower', 'upper', 'reverse', 'gmatch', 'gsub', 'match', 'dump' }) do S[k] = strlib[k] end
S.gfind = strlib.gmatch

do
  local sub = strlib.sub
  S.sub = function(...)
    local n = select('#', ...)
    local s, i, j = ...
    if n >= 3 then return (sub(s, toint(i), toint(j))) end
    if n == 2 then return (sub(s, toint(i))) end
    return (sub(...))
  end
end

do
  local byte = strlib.byte
  S.byte = function(...)
    local n = select('#', ...)
    local s, i, j = ...
    if n >= 3 then return select(1, byte(s, toint(i), toint(j))) end
    if n == 2 then return select(1, byte(s, toint(i))) end
    return select(1, byte(...))
  end
end

do
  local rep = strlib.rep
  -- Lua 5.1's rep has no separator argument.
  S.rep = function(...)
    local n = select('#', ...)
    local s, c = ...
    if n >= 2 then
      c = toint(c)
      if type(c) == 'number' and c <= 0 then return (rep(s, 0)) end
      return (rep(s, c))
    end
    return (rep(...))
  end
end

do
  local char = strlib.char
  S.char = function(...)
    local n = select('#', ...)
    if n == 0 then return '' end
    local t = { ... }
    for k = 1, n do t[k] = toint(t[k]) end
    return (char(tunpack(t, 1, n)))
  end
end

do
  local find = strlib.find
  S.find = function(...)
    local n = select('#', ...)
    if n >= 3 then
      local s, p, init, plain = ...
      return select(1, find(s, p, toint(init), plain))
    end
    return select(1, find(...))
  end
end

-- %q as Lua 5.1 writes it.
local function quote51(s)
  return '"' .. sgsub(s, '[\0\\"\n\r]', function(c)
    if c == '\n' then return '\\\n' end
    if c == '\r' then return '\\r' end
    if c == '\0' then return '\\000' end
    return '\\' .. c
  end) .. '"'
end

do
  local format = strlib.format
  -- Lua 5.1's format converts its arguments: integers are truncated
  -- (%d of 3.7 is "3"), numbers given to %s print as 5.1 prints them, and
  -- %q quotes the 5.1 way.
  S.format = function(...)
    local nargs = select('#', ...)
    local fmt = ...
    if type(fmt) == 'number' then fmt = num2str(fmt) end
    if type(fmt) ~= 'string' then return (format(...)) end
    local args = { select(2, ...) }
    local argi, pos, hasq = 0, 1, false
    while true do
      local s, e, spec, conv = fmt:find('%%([-+ #0]*%d*%.?%d*)(.)', pos)
      if not s then break end
      if conv ~= '%' then
        argi = argi + 1
        local v = args[argi]
        if conv == 'd' or conv == 'i' or conv == 'o' or conv == 'u' or conv == 'x' or conv == 'X' or conv == 'c' then
          args[argi] = toint(v)
        elseif conv == 's' then
          -- luaL_checklstring: strings and numbers only.
          if type(v) == 'number' then
            args[argi] = num2str(v)
          elseif type(v) ~= 'string' then
            error('bad argument #' .. (argi + 1) .. " to 'format' (string expected, got " .. (argi >= nargs and 'no value' or type(v)) .. ')')
          end
        elseif conv == 'q' then
          hasq = true
        elseif not smatch(conv, '[eEfgG]') then
          error("invalid option '%" .. conv .. "' to 'format'")
        end
      end
      pos = e + 1
    end
    if not hasq then return (format(fmt, tunpack(args, 1, nargs - 1))) end
    -- With %q, format piece by piece.
    local out, k, argn = {}, 1, 0
    pos = 1
    while true do
      local s, e, spec, conv = fmt:find('%%([-+ #0]*%d*%.?%d*)(.)', pos)
      if not s then out[#out + 1] = ssub(fmt, pos); break end
      out[#out + 1] = ssub(fmt, pos, s - 1)
      if conv == '%' then
        out[#out + 1] = '%'
      else
        argn = argn + 1
        local v = args[argn]
        if conv == 'q' then
          if type(v) == 'number' then v = num2str(v) end
          if type(v) ~= 'string' then
            error("bad argument #" .. (argn + 1) .. " to 'format' (string expected, got " .. (argn >= nargs and 'no value' or type(v)) .. ')')
          end
          out[#out + 1] = quote51(v)
        else
          out[#out + 1] = format('%' .. spec .. conv, v)
        end
      end
      pos = e + 1
    end
    return tconcat(out)
  end
end

-- ---- table ----------------------------------------------------------------------

local T = {}
T.sort = tablib.sort
T.getn = function(t)
  if type(t) ~= 'table' then error("bad argument #1 to 'getn' (table expected, got " .. (t == nil and 'no value' or type(t)) .. ')') end
  return #t
end
T.setn = function() error("'setn' is obsolete") end
T.maxn = function(t)
  if type(t) ~= 'table' then error("bad argument #1 to 'maxn' (table expected, got " .. (t == nil and 'no value' or type(t)) .. ')') end
  local max = 0
  for k in next, t do
    if type(k) == 'number' and k > max then max = k end
  end
  return max
end
T.foreach = function(t, f)
  for k, v in next, t do
    local r = f(k, v)
    if r ~= nil then return r end
  end
end
T.foreachi = function(t, f)
  for i = 1, #t do
    local r = f(i, t[i])
    if r ~= nil then return r end
  end
end

local function checktable(t, n, name)
  if type(t) ~= 'table' then
    error('bad argument #1 to ' .. "'" .. name .. "' (table expected, got " .. (n == 0 and 'no value' or type(t)) .. ')')
  end
end

-- Lua 5.1's insert and remove: no bounds checks, raw access.
T.insert = function(...)
  local n = select('#', ...)
  local t, a, b = ...
  checktable(t, n, 'insert')
  local e = #t + 1
  if n == 2 then
    rawset(t, e, a)
    return
  end
  if n ~= 3 then error("wrong number of arguments to 'insert'") end
  local pos = toint(a)
  if type(pos) ~= 'number' then
    error("bad argument #2 to 'insert' (number expected, got " .. type(a) .. ')')
  end
  if pos > e then e = pos end
  for i = e, pos + 1, -1 do rawset(t, i, rawget(t, i - 1)) end
  rawset(t, pos, b)
end

T.remove = function(...)
  local n = select('#', ...)
  local t, p = ...
  checktable(t, n, 'remove')
  local e = #t
  local pos = e
  if n >= 2 and p ~= nil then
    pos = toint(p)
    if type(pos) ~= 'number' then
      error("bad argument #2 to 'remove' (number expected, got " .. type(p) .. ')')
    end
  end
  if not (1 <= pos and pos <= e) then return end
  local v = rawget(t, pos)
  for i = pos, e - 1 do rawset(t, i, rawget(t, i + 1)) end
  rawset(t, e, nil)
  return v
end

T.concat = function(...)
  local n = select('#', ...)
  local t, sep, i, j = ...
  checktable(t, n, 'concat')
  if sep == nil then sep = '' elseif type(sep) == 'number' then sep = num2str(sep) end
  i = i == nil and 1 or toint(i)
  j = j == nil and #t or toint(j)
  local parts = {}
  for k = i, j do
    local v = rawget(t, k)
    if type(v) == 'number' then
      v = num2str(v)
    elseif type(v) ~= 'string' then
      error('invalid value (' .. type(v) .. ') at index ' .. k .. " in table for 'concat'")
    end
    parts[#parts + 1] = v
  end
  return tconcat(parts, sep)
end

-- ---- math -----------------------------------------------------------------------

local M = {}
for _, k in ipairs({ 'abs', 'acos', 'asin', 'ceil', 'cos', 'deg', 'floor', 'max', 'min', 'rad', 'sin', 'tan' }) do
  M[k] = mathlib[k]
end
M.pi = mathlib.pi
M.huge = mathlib.huge
do
  local sqrt, exp, log, atan, fmod, modf = mathlib.sqrt, mathlib.exp, mathlib.log, mathlib.atan, mathlib.fmod, mathlib.modf
  M.sqrt = function(...) return (normnum(sqrt(...))) end
  M.exp = function(...) return (normnum(exp(...))) end
  M.log = function(x) return (normnum(log(x))) end
  M.log10 = function(x) return (normnum(log(x, 10))) end
  M.atan = function(x) return (atan(x)) end
  M.atan2 = function(y, x) return (atan(y, x)) end
  M.pow = function(x, y) return (normnum(x ^ y)) end
  -- Lua 5.1's fmod works on doubles: fmod(7, 0) is nan, not an error.
  M.fmod = function(a, b)
    if type(a) == 'number' then a = a + 0.0 end
    if type(b) == 'number' then b = b + 0.0 end
    return (normnum(fmod(a, b)))
  end
  M.mod = M.fmod
  M.modf = function(x)
    local i, f = modf(x)
    return normnum(i), f
  end
  M.cosh = function(x) return (normnum((exp(x) + exp(-x)) / 2)) end
  M.sinh = function(x) return (normnum((exp(x) - exp(-x)) / 2)) end
  M.tanh = function(x)
    if x > 20 then return 1 elseif x < -20 then return -1 end
    local a, b = exp(x), exp(-x)
    return (normnum((a - b) / (a + b)))
  end
  M.ldexp = function(m, e)
    e = toint(e)
    if e > 1023 then return (normnum(m * 2.0 ^ 1023 * 2.0 ^ (e - 1023))) end
    if e < -1022 then return m * 2.0 ^ -1022 * 2.0 ^ (e + 1022) end
    return (normnum(m * 2.0 ^ e))
  end
  M.frexp = function(x)
    if x == 0 or x ~= x or x == mhuge or x == -mhuge then return x, 0 end
    local e = 0
    local a = x < 0 and -x or x
    while a >= 1 do a = a / 2; e = e + 1 end
    while a < 0.5 do a = a * 2; e = e - 1 end
    return (x < 0 and -a or a), e
  end
end

-- Redis's math.random: its own 48-bit generator (redisLrand48), shared by
-- every script, so that a seed gives the same sequence on every platform.
do
  local lrand48, srand48 = native.lrand48, native.srand48
  local function checkint(v, i)
    local n = toint(v)
    if type(n) ~= 'number' then
      error('bad argument #' .. i .. " to 'random' (number expected, got " .. (v == nil and 'no value' or type(v)) .. ')')
    end
    return n
  end
  M.random = function(...)
    local r = (lrand48() % 2147483647) / 2147483647.0
    local n = select('#', ...)
    if n == 0 then return r end
    if n == 1 then
      local u = checkint((...), 1)
      if not (1 <= u) then error("bad argument #1 to 'random' (interval is empty)") end
      return mfloor(r * u) + 1
    end
    if n == 2 then
      local l, u = ...
      l = checkint(l, 1)
      u = checkint(u, 2)
      if not (l <= u) then error("bad argument #2 to 'random' (interval is empty)") end
      return mfloor(r * (u - l + 1)) + l
    end
    error('wrong number of arguments')
  end
  M.randomseed = function(...)
    local v = ...
    local n = toint(v)
    if type(n) ~= 'number' then
      error("bad argument #1 to 'randomseed' (number expected, got " .. (select('#', ...) == 0 and 'no value' or type(v)) .. ')')
    end
    srand48(n)
  end
end

-- ---- coroutine ------------------------------------------------------------------

local C = {}
C.create = corolib.create
C.status = corolib.status
C.wrap = corolib.wrap
C.yield = corolib.yield
C.running = function()
  local co, main = corolib.running()
  if main then return nil end
  return co
end
do
  local resume = corolib.resume
  local function fixResume(co, ok, ...)
    if ok then return true, ... end
    local e = ...
    if type(e) == 'string' then e = fixmsg(redisFrames(collect(0, co)), e) end
    return false, e
  end
  C.resume = function(co, ...)
    return fixResume(co, resume(co, ...))
  end
end

-- ---- the redis table --------------------------------------------------------------

local function raise(msg)
  error({ err = msg }, 0)
end

-- luaPushErrorBuff: "-CODE msg" keeps its code, anything else gets ERR.
local function errorTable(e)
  local code, msg
  if ssub(e, 1, 1) == '-' then
    local sp = e:find(' ', 1, true)
    if sp then
      code, msg = ssub(e, 2, sp - 1), ssub(e, sp + 1)
    else
      code, msg = 'ERR', ssub(e, 2)
    end
  else
    code, msg = 'ERR', e
  end
  msg = smatch(msg, '^[\r\n]*(.-)[\r\n]*$')
  return { err = code .. ' ' .. msg }
end

-- C strings end at the first NUL.
local function cstr(s)
  return smatch(s, '^[^\0]*')
end

local function logLevelCheck(...)
  local argc = select('#', ...)
  if argc < 2 then raise('ERR redis.log() requires two arguments or more.') end
  local level = tonumber((...))
  if level == nil then raise('ERR First argument must be a number (log level).') end
  level = toint(level)
  if level < 0 or level > 3 then raise('ERR Invalid debug level.') end
  local parts = {}
  for k = 2, argc do
    local v = select(k, ...)
    if type(v) == 'number' then v = num2str(v) end
    if type(v) == 'string' then parts[#parts + 1] = v end
  end
  native.log(level, tconcat(parts, ' '))
end

local function addLog(R)
  R.log = logLevelCheck
  R.LOG_DEBUG = 0
  R.LOG_VERBOSE = 1
  R.LOG_NOTICE = 2
  R.LOG_WARNING = 3
  R.REDIS_VERSION = version
  R.REDIS_VERSION_NUM = versionNum
end

local R = {}
R.call = native.call
R.pcall = native.pcall
R.acl_check_cmd = native.acl_check_cmd
addLog(R)
R.sha1hex = function(...)
  if select('#', ...) ~= 1 then raise('ERR wrong number of arguments') end
  local s = ...
  if type(s) == 'number' then s = num2str(s) end
  if type(s) ~= 'string' then s = '' end
  return native.sha1hex(s)
end
R.error_reply = function(...)
  local e = ...
  if select('#', ...) ~= 1 or type(e) ~= 'string' then return errorTable('wrong number or type of arguments') end
  e = cstr(e)
  if ssub(e, 1, 1) ~= '-' then e = '-' .. e end
  return errorTable(e)
end
R.status_reply = function(...)
  local s = ...
  if select('#', ...) ~= 1 or type(s) ~= 'string' then return errorTable('wrong number or type of arguments') end
  return { ok = s }
end
R.setresp = function(...)
  if select('#', ...) ~= 1 then raise('ERR redis.setresp() requires one argument.') end
  local v = toint(tonumber((...)) or 0)
  if v ~= 2 and v ~= 3 then raise('ERR RESP version must be 2 or 3.') end
  native.setresp(v)
end
R.set_repl = function(...)
  if select('#', ...) ~= 1 then raise('ERR redis.set_repl() requires two arguments.') end
  local v = toint(tonumber((...)) or 0)
  if v < 0 or v > 3 then
    raise('ERR Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.')
  end
  native.set_repl(v)
end
R.REPL_NONE = 0
R.REPL_AOF = 1
R.REPL_SLAVE = 2
R.REPL_REPLICA = 2
R.REPL_ALL = 3
if mode == 'eval' then
  -- The debugger (SCRIPT DEBUG) is not implemented: there is never a
  -- breakpoint to stop at and nothing to print to.
  R.breakpoint = function() return false end
  R.debug = function() end
  R.replicate_commands = function() return true end
end

-- ---- libraries --------------------------------------------------------------------

-- Our Lua functions reach scripts through a C trampoline: called in a tail
-- position, a Lua function would replace the script's frame, and errors
-- would lose the script's line, which Redis's C functions keep.
local cwrap = native.cwrap
local function wrapAll(t)
  for k, v in next, t do
    if type(v) == 'function' and getinfo(v, 'S').what == 'Lua' then t[k] = cwrap(v) end
  end
  return t
end

local util = {
  num2str = num2str, toint = toint, normnum = normnum, null = native.null, protect = protect, wrapAll = wrapAll,
}

wrapAll(G)
G.string = protect(wrapAll(S))
G.table = protect(wrapAll(T))
G.math = protect(wrapAll(M))
G.coroutine = protect(wrapAll(C))
G.bit = protect(wrapAll(native.libs.bit(util)))
G.cjson = native.libs.cjson(util)
G.cmsgpack = protect(wrapAll(native.libs.cmsgpack(util)))
G.struct = protect(wrapAll(native.libs.struct(util)))
G.redis = protect(wrapAll(R))

-- Strings' methods come from the 5.1 string table.
do
  local smt = getmetatable('')
  smt.__index = G.string
end

setmetatable(G, { __index = nonexistent })

-- The globals scripts see: G behind a read-only proxy.
local env = protect(G)
G._G = env
if mode == 'eval' then G.__redis__err__handler = errh end

local api = { env = env, G = G, errh = errh }

-- Runs a script body: Redis's lua_pcall with its error handler. Yieldable
-- (5.4's xpcall is), so the busy-script hook can suspend it.
api.run = function(f, ...)
  return xpcall(f, errh, ...)
end

if mode == 'function' then
  -- FUNCTION LOAD runs the library's top level with only redis.register_function,
  -- redis.log and the version fields in reach (function_lua.c's LIBRARY_API).
  local LR = {}
  LR.register_function = native.register_function
  addLog(LR)
  wrapAll(LR)
  setmetatable(LR, { __index = nonexistent })
  local libapi = setmetatable({ redis = protect(LR) }, { __index = nonexistent })
  local envmeta = getmetatable(env)
  api.loading = function(on)
    envmeta.__index = on and libapi or G
  end
  -- The top level of a library: errors come back as Redis's
  -- luaExtractErrorInformation renders them.
  api.load = function(f)
    local ok, e = xpcall(f, pcallHandler)
    if ok then return nil end
    if type(e) == 'table' then
      local m = e.err
      if type(m) == 'number' then m = num2str(m) end
      return type(m) == 'string' and m or '(null)'
    end
    if type(e) == 'number' then e = num2str(e) end
    if type(e) == 'string' then return 'ERR ' .. e end
    return '(null)'
  end
end

return api
`;
