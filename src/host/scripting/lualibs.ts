// The C libraries Redis links into its Lua, written in Lua 5.4 with the
// same behaviour on the values scripts pass them: LuaBitOp 1.0.2 (bit),
// lua-cjson 2.1.0 (cjson), lua-cmsgpack 0.4.0 (cmsgpack) and Roberto
// Ierusalimschy's struct 0.2 (struct). Each chunk gets prelude.ts's util
// table and returns the library table. Numbers follow Lua 5.1: every value
// is handled as a double, and results are pushed as prelude.ts normnum()
// makes them (integers where exact) so that they print as 5.1 prints them.
//
// Errors are raised with error(msg) at our position; prelude.ts's handlers
// turn that into the caller's position, as luaL_error in a C library does.

// ---- bit (LuaBitOp 1.0.2) ------------------------------------------------------
export const BIT = String.raw`
local util = ...
local tonumber, type, select, error = tonumber, type, select, error
local mtype = math.type
local spack, sunpack = string.pack, string.unpack

-- barg(): the number's low 32 bits after adding 2^52+2^51, which rounds a
-- double to an integer (half to even) and wraps it modulo 2^32.
local function barg(v, i, name, present)
  local n = tonumber(v)
  if n == nil then
    error('bad argument #' .. i .. " to '" .. name .. "' (number expected, got " .. (present and type(v) or 'no value') .. ')')
  end
  if mtype(n) == 'integer' and n >= -2251799813685248 and n < 2251799813685248 then
    return n & 0xffffffff
  end
  return (sunpack('<I4', spack('<d', (n + 0.0) + 6755399441055744.0)))
end

local function ret(b)
  if b >= 0x80000000 then return b - 0x100000000 end
  return b
end

local B = {}
-- Each argument as barg reads it, with "no value" for absent ones.
local function arg(i, name, ...)
  return barg((select(i, ...)), i, name, select('#', ...) >= i)
end
B.tobit = function(...) return ret(arg(1, 'tobit', ...)) end
B.bnot = function(...) return ret(~arg(1, 'bnot', ...) & 0xffffffff) end
B.band = function(...)
  local b = arg(1, 'band', ...)
  for i = 2, select('#', ...) do b = b & arg(i, 'band', ...) end
  return ret(b)
end
B.bor = function(...)
  local b = arg(1, 'bor', ...)
  for i = 2, select('#', ...) do b = b | arg(i, 'bor', ...) end
  return ret(b)
end
B.bxor = function(...)
  local b = arg(1, 'bxor', ...)
  for i = 2, select('#', ...) do b = b ~ arg(i, 'bxor', ...) end
  return ret(b)
end
B.lshift = function(...)
  local b, s = arg(1, 'lshift', ...), arg(2, 'lshift', ...) & 31
  return ret((b << s) & 0xffffffff)
end
B.rshift = function(...)
  local b, s = arg(1, 'rshift', ...), arg(2, 'rshift', ...) & 31
  return ret(b >> s)
end
B.arshift = function(...)
  local b, s = arg(1, 'arshift', ...), arg(2, 'arshift', ...) & 31
  -- ret(b) is sign-extended to 64 bits: the logical shift brings its ones down.
  return ret((ret(b) >> s) & 0xffffffff)
end
B.rol = function(...)
  local b, s = arg(1, 'rol', ...), arg(2, 'rol', ...) & 31
  return ret(((b << s) | (b >> (32 - s))) & 0xffffffff)
end
B.ror = function(...)
  local b, s = arg(1, 'ror', ...), arg(2, 'ror', ...) & 31
  return ret(((b >> s) | (b << (32 - s))) & 0xffffffff)
end
B.bswap = function(...)
  local b = arg(1, 'bswap', ...)
  return ret(((b >> 24) & 0xff) | ((b >> 8) & 0xff00) | ((b & 0xff00) << 8) | ((b & 0xff) << 24))
end
B.tohex = function(...)
  local b = arg(1, 'tohex', ...)
  local n = 8
  if select('#', ...) >= 2 then n = ret(arg(2, 'tohex', ...)) end
  local digits = '0123456789abcdef'
  if n < 0 then n = -n; digits = '0123456789ABCDEF' end
  if n > 8 then n = 8 end
  local out = {}
  for i = n, 1, -1 do
    local d = (b & 15) + 1
    out[i] = digits:sub(d, d)
    b = b >> 4
  end
  return table.concat(out, '', 1, n)
end
return B
`;

// ---- cjson (lua-cjson 2.1.0) -----------------------------------------------------
export const CJSON = String.raw`
local util = ...
local num2str, toint, normnum, null = util.num2str, util.toint, util.normnum, util.null
local type, next, select, tonumber, error, rawget, rawset = type, next, select, tonumber, error, rawget, rawset
local new
local sformat, sbyte, schar, ssub, sfind, sgsub, smatch, slower = string.format, string.byte, string.char, string.sub, string.find, string.gsub, string.match, string.lower
local tconcat = table.concat
local mfloor, mtype, mhuge = math.floor, math.type, math.huge
local INT_MAX = 2147483647
-- strtod's "nan" is positive; 0/0 is negative on x86 (and here).
local PNAN = 0 / 0
if sformat('%f', PNAN):sub(1, 1) == '-' then PNAN = -PNAN end

-- char2escape: control characters, '"', '\\', '/' and DEL.
local ESC = {}
for i = 0, 31 do ESC[schar(i)] = sformat('\\u%04x', i) end
ESC['\b'] = '\\b'; ESC['\t'] = '\\t'; ESC['\n'] = '\\n'; ESC['\f'] = '\\f'; ESC['\r'] = '\\r'
ESC['"'] = '\\"'; ESC['\\'] = '\\\\'; ESC['/'] = '\\/'; ESC['\127'] = '\\u007f'

local TOKEN_NAMES = {
  obj_begin = 'T_OBJ_BEGIN', obj_end = 'T_OBJ_END', arr_begin = 'T_ARR_BEGIN', arr_end = 'T_ARR_END',
  string = 'T_STRING', number = 'T_NUMBER', boolean = 'T_BOOLEAN', null = 'T_NULL', colon = 'T_COLON',
  comma = 'T_COMMA', ['end'] = 'T_END',
}
local SINGLE = { ['{'] = 'obj_begin', ['}'] = 'obj_end', ['['] = 'arr_begin', [']'] = 'arr_end', [','] = 'comma', [':'] = 'colon' }

local function typename(v)
  local t = type(v)
  if t == 'userdata' and v == null then return 'lightuserdata' end
  return t
end

local function argerror(i, name, msg)
  error('bad argument #' .. i .. " to '" .. name .. "' (" .. msg .. ')')
end

new = function()
  local cfg = {
    sparse_convert = 0, sparse_ratio = 2, sparse_safe = 10,
    encode_max_depth = 1000, decode_max_depth = 1000,
    invalid_enc = 0, invalid_dec = 1, keep_buffer = 1, precision = 14,
  }

  local function argInit(n, name, ...)
    if select('#', ...) > n then argerror(n + 1, name, 'found too many arguments') end
  end

  -- json_enum_option: booleans, or one of the option names.
  local function enumOption(name, v, key, options, btrue)
    if v ~= nil then
      if btrue and type(v) == 'boolean' then
        cfg[key] = v and btrue or 0
      else
        if type(v) == 'number' then v = num2str(v) end
        if type(v) ~= 'string' then argerror(1, name, 'string expected, got ' .. typename(v)) end
        local found
        for i = 1, #options do if options[i] == v then found = i - 1 end end
        if found == nil then argerror(1, name, "invalid option '" .. v .. "'") end
        cfg[key] = found
      end
    end
    local s = cfg[key]
    if btrue and (s == 0 or s == btrue) then return s ~= 0 end
    return options[s + 1]
  end

  local function intOption(name, i, v, key, min, max)
    if v ~= nil then
      local n = toint(v)
      if type(n) ~= 'number' then argerror(i, name, 'number expected, got ' .. typename(v)) end
      if not (min <= n and n <= max) then
        argerror(1, name, 'expected integer between ' .. min .. ' and ' .. max)
      end
      cfg[key] = n
    end
    return cfg[key]
  end

  local J = {}
  J._NAME = 'cjson'
  J._VERSION = '2.1.0'
  J.null = null
  J.new = new

  J.encode_sparse_array = function(...)
    argInit(3, 'encode_sparse_array', ...)
    local convert, ratio, safe = ...
    local a = enumOption('encode_sparse_array', convert, 'sparse_convert', { 'off', 'on' }, 1)
    local b = intOption('encode_sparse_array', 2, ratio, 'sparse_ratio', 0, INT_MAX)
    local c = intOption('encode_sparse_array', 3, safe, 'sparse_safe', 0, INT_MAX)
    return a, b, c
  end
  J.encode_max_depth = function(...)
    argInit(1, 'encode_max_depth', ...)
    return intOption('encode_max_depth', 1, (...), 'encode_max_depth', 1, INT_MAX)
  end
  J.decode_max_depth = function(...)
    argInit(1, 'decode_max_depth', ...)
    return intOption('decode_max_depth', 1, (...), 'decode_max_depth', 1, INT_MAX)
  end
  J.encode_number_precision = function(...)
    argInit(1, 'encode_number_precision', ...)
    return intOption('encode_number_precision', 1, (...), 'precision', 1, 14)
  end
  J.encode_keep_buffer = function(...)
    argInit(1, 'encode_keep_buffer', ...)
    return enumOption('encode_keep_buffer', (...), 'keep_buffer', { 'off', 'on' }, 1)
  end
  J.encode_invalid_numbers = function(...)
    argInit(1, 'encode_invalid_numbers', ...)
    return enumOption('encode_invalid_numbers', (...), 'invalid_enc', { 'off', 'on', 'null' }, 1)
  end
  J.decode_invalid_numbers = function(...)
    argInit(1, 'decode_invalid_numbers', ...)
    return enumOption('decode_invalid_numbers', (...), 'invalid_dec', { 'off', 'on' }, 1)
  end

  -- ---- encoding ----

  local function number(n, out)
    if n ~= n or n == mhuge or n == -mhuge then
      if cfg.invalid_enc == 0 then error('Cannot serialise number: must not be NaN or Inf')
      elseif cfg.invalid_enc == 2 then out[#out + 1] = 'null'; return
      elseif n ~= n then out[#out + 1] = 'nan'; return end
    end
    if cfg.precision == 14 then
      out[#out + 1] = num2str(n)
    else
      out[#out + 1] = sformat('%.' .. cfg.precision .. 'g', n + 0.0)
    end
  end

  local function str(s, out)
    out[#out + 1] = '"' .. sgsub(s, '[%c"\\/]', ESC) .. '"'
  end

  -- lua_array_length: the largest key of an array, -1 for an object.
  local function arrayLength(t)
    local max, items = 0, 0
    for k in next, t do
      if type(k) == 'number' and k ~= 0 and mfloor(k) == k and k >= 1 then
        if k > max then max = k end
        items = items + 1
      else
        return -1
      end
    end
    if cfg.sparse_ratio > 0 and max > items * cfg.sparse_ratio and max > cfg.sparse_safe then
      if cfg.sparse_convert == 0 then error('Cannot serialise table: excessively sparse array') end
      return -1
    end
    return max
  end

  local value
  value = function(v, depth, out)
    local t = type(v)
    if t == 'string' then
      str(v, out)
    elseif t == 'number' then
      number(v, out)
    elseif t == 'boolean' then
      out[#out + 1] = v and 'true' or 'false'
    elseif t == 'table' then
      depth = depth + 1
      if depth > cfg.encode_max_depth then error('Cannot serialise, excessive nesting (' .. depth .. ')') end
      local len = arrayLength(v)
      if len > 0 then
        out[#out + 1] = '['
        for i = 1, len do
          if i > 1 then out[#out + 1] = ',' end
          value(rawget(v, i), depth, out)
        end
        out[#out + 1] = ']'
      else
        out[#out + 1] = '{'
        local comma = false
        for k, x in next, v do
          if comma then out[#out + 1] = ',' else comma = true end
          local kt = type(k)
          if kt == 'number' then
            out[#out + 1] = '"'
            number(k, out)
            out[#out + 1] = '":'
          elseif kt == 'string' then
            str(k, out)
            out[#out + 1] = ':'
          else
            error('Cannot serialise ' .. typename(k) .. ': table key must be a number or string')
          end
          value(x, depth, out)
        end
        out[#out + 1] = '}'
      end
    elseif v == nil or v == null then
      out[#out + 1] = 'null'
    else
      error('Cannot serialise ' .. typename(v) .. ': type not supported')
    end
  end

  J.encode = function(...)
    if select('#', ...) ~= 1 then argerror(1, 'encode', 'expected 1 argument') end
    local out = {}
    value((...), 0, out)
    return tconcat(out)
  end

  -- ---- decoding ----

  local function hex4(s, i)
    local h = smatch(s, '^%x%x%x%x', i)
    return h and tonumber(h, 16)
  end

  local function utf8(cp)
    if cp <= 0x7f then return schar(cp) end
    if cp <= 0x7ff then return schar(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f)) end
    if cp <= 0xffff then return schar(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)) end
    return schar(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f))
  end

  local UNESC = { ['"'] = '"', ['\\'] = '\\', ['/'] = '/', b = '\b', t = '\t', n = '\n', f = '\f', r = '\r' }

  -- strtod's view of a number at i: the longest prefix it would read.
  local function strtod(s, i)
    local sign, j = 1, i
    local c = ssub(s, j, j)
    if c == '+' or c == '-' then
      if c == '-' then sign = -1 end
      j = j + 1
    end
    local w = slower(ssub(s, j, j + 7))
    if ssub(w, 1, 8) == 'infinity' then return sign * mhuge, j + 8 end
    if ssub(w, 1, 3) == 'inf' then return sign * mhuge, j + 3 end
    if ssub(w, 1, 3) == 'nan' then
      local e = smatch(s, '^%([%w_]*%)()', j + 3)
      local v = PNAN
      if sign < 0 then v = -v end
      return v, e or j + 3
    end
    local hx = smatch(s, '^0[xX]()', j)
    if hx then
      local m, e = smatch(s, '^(%x*%.?%x*)()', hx)
      if smatch(m, '%x') then
        local text = ssub(s, i, e - 1)
        local p = smatch(s, '^[pP][+-]?%d+()', e)
        if p then text = ssub(s, i, p - 1); e = p end
        local v = tonumber(text)
        if v == nil then
          -- digits past what an integer holds: read them as a double
          v = 0.0
          for d in m:gmatch('%x') do v = v * 16 + tonumber(d, 16) end
          v = sign * v
        end
        if mtype(v) == 'integer' and (v >= 9007199254740992 or v <= -9007199254740992) then v = v + 0.0 end
        return v, e
      end
      return sign * 0, j + 1
    end
    local m, e = smatch(s, '^(%d*%.?%d*)()', j)
    if not smatch(m, '%d') then return nil end
    local x = smatch(s, '^[eE][+-]?%d+()', e)
    if x then e = x end
    local v = tonumber(ssub(s, i, e - 1))
    if v == nil then v = tonumber(ssub(s, j, e - 1)) * sign end
    -- Lua reads "-0" as the integer 0; strtod keeps the sign.
    if v == 0 and sign < 0 then v = -0.0 end
    if mtype(v) == 'integer' and (v >= 9007199254740992 or v <= -9007199254740992) then v = v + 0.0 end
    return v, e
  end

  local function isInvalidNumber(s, i)
    local c = ssub(s, i, i)
    if c == '+' then return true end
    if c == '-' then i = i + 1; c = ssub(s, i, i) end
    if c == '0' then
      local c2 = ssub(s, i + 1, i + 1)
      return c2 == 'x' or c2 == 'X' or (c2 >= '0' and c2 <= '9' and c2 ~= '')
    elseif c ~= '' and c <= '9' then
      return false
    end
    local w = slower(ssub(s, i, i + 2))
    return w == 'inf' or w == 'nan'
  end

  -- Tokens: kind, value, index (0-based, as the C code reports + 1).
  local function nextToken(p)
    local s, i = p.s, p.i
    i = smatch(s, '^[ \t\n\r]*()', i)
    p.i = i
    local c = ssub(s, i, i)
    local idx = i - 1
    if c == '' or c == '\0' then return 'end', nil, idx end
    local single = SINGLE[c]
    if single then
      p.i = i + 1
      return single, nil, idx
    end
    if c == '"' then
      local parts = {}
      local j = i + 1
      while true do
        local k = sfind(s, '["\\\0]', j)
        if not k then
          return 'error', 'unexpected end of string', #s
        end
        local ch = ssub(s, k, k)
        if ch == '\0' then return 'error', 'unexpected end of string', k - 1 end
        parts[#parts + 1] = ssub(s, j, k - 1)
        if ch == '"' then
          p.i = k + 1
          return 'string', tconcat(parts), idx
        end
        local e = ssub(s, k + 1, k + 1)
        if e == 'u' then
          local cp = hex4(s, k + 2)
          local len = 6
          if cp and (cp & 0xF800) == 0xD800 then
            if (cp & 0x400) ~= 0 or ssub(s, k + 6, k + 7) ~= '\\u' then cp = nil
            else
              local lo = hex4(s, k + 8)
              if not lo or (lo & 0xFC00) ~= 0xDC00 then cp = nil
              else
                cp = (((cp & 0x3FF) << 10) | (lo & 0x3FF)) + 0x10000
                len = 12
              end
            end
          end
          if not cp then return 'error', 'invalid unicode escape code', k - 1 end
          parts[#parts + 1] = utf8(cp)
          j = k + len
        else
          local r = UNESC[e]
          if not r then return 'error', 'invalid escape code', k - 1 end
          parts[#parts + 1] = r
          j = k + 2
        end
      end
    end
    if c == '-' or (c >= '0' and c <= '9') then
      if cfg.invalid_dec == 0 and isInvalidNumber(s, i) then return 'error', 'invalid number', idx end
      local v, e = strtod(s, i)
      if v == nil then return 'error', 'invalid number', idx end
      p.i = e
      return 'number', normnum(v), idx
    end
    if ssub(s, i, i + 3) == 'true' then p.i = i + 4; return 'boolean', true, idx end
    if ssub(s, i, i + 4) == 'false' then p.i = i + 5; return 'boolean', false, idx end
    if ssub(s, i, i + 3) == 'null' then p.i = i + 4; return 'null', null, idx end
    if cfg.invalid_dec ~= 0 and (c == '+' or c == 'i' or c == 'I' or c == 'n' or c == 'N') and isInvalidNumber(s, i) then
      local v, e = strtod(s, i)
      if v == nil then return 'error', 'invalid number', idx end
      p.i = e
      return 'number', normnum(v), idx
    end
    return 'error', 'invalid token', idx
  end

  local function parseError(expected, kind, v, idx)
    local found = kind == 'error' and v or TOKEN_NAMES[kind]
    error('Expected ' .. expected .. ' but found ' .. found .. ' at character ' .. (idx + 1))
  end

  local process
  local function descend(p)
    p.depth = p.depth + 1
    if p.depth > cfg.decode_max_depth then
      error('Found too many nested data structures (' .. p.depth .. ') at character ' .. (p.i - 1))
    end
  end

  process = function(p, kind, v, idx)
    if kind == 'string' or kind == 'number' or kind == 'boolean' or kind == 'null' then return v end
    if kind == 'obj_begin' then
      descend(p)
      local t = {}
      kind, v, idx = nextToken(p)
      if kind == 'obj_end' then p.depth = p.depth - 1; return t end
      while true do
        if kind ~= 'string' then parseError('object key string', kind, v, idx) end
        local key = v
        kind, v, idx = nextToken(p)
        if kind ~= 'colon' then parseError('colon', kind, v, idx) end
        kind, v, idx = nextToken(p)
        rawset(t, key, process(p, kind, v, idx))
        kind, v, idx = nextToken(p)
        if kind == 'obj_end' then p.depth = p.depth - 1; return t end
        if kind ~= 'comma' then parseError('comma or object end', kind, v, idx) end
        kind, v, idx = nextToken(p)
      end
    end
    if kind == 'arr_begin' then
      descend(p)
      local t = {}
      kind, v, idx = nextToken(p)
      if kind == 'arr_end' then p.depth = p.depth - 1; return t end
      local n = 0
      while true do
        n = n + 1
        rawset(t, n, process(p, kind, v, idx))
        kind, v, idx = nextToken(p)
        if kind == 'arr_end' then p.depth = p.depth - 1; return t end
        if kind ~= 'comma' then parseError('comma or array end', kind, v, idx) end
        kind, v, idx = nextToken(p)
      end
    end
    parseError('value', kind, v, idx)
  end

  J.decode = function(...)
    if select('#', ...) ~= 1 then argerror(1, 'decode', 'expected 1 argument') end
    local s = ...
    if type(s) == 'number' then s = num2str(s) end
    if type(s) ~= 'string' then argerror(1, 'decode', 'string expected, got ' .. typename(s)) end
    if #s >= 2 and (sbyte(s, 1) == 0 or sbyte(s, 2) == 0) then
      error('JSON parser does not support UTF-16 or UTF-32')
    end
    local p = { s = s, i = 1, depth = 0 }
    local kind, v, idx = nextToken(p)
    local result = process(p, kind, v, idx)
    kind, v, idx = nextToken(p)
    if kind ~= 'end' then parseError('the end', kind, v, idx) end
    return result
  end

  -- cjson.new() instances are handed to scripts too.
  return util.protect(util.wrapAll(J))
end

return new()
`;

// ---- cmsgpack (lua-cmsgpack 0.4.0) -------------------------------------------------
export const CMSGPACK = String.raw`
local util = ...
local num2str, toint, normnum = util.num2str, util.toint, util.normnum
local type, next, select, tonumber, error, rawget = type, next, select, tonumber, error, rawget
local spack, sunpack, sbyte, ssub, schar = string.pack, string.unpack, string.byte, string.sub, string.char
local tconcat, tunpack = table.concat, table.unpack
local mfloor, mtype, mhuge, mininteger = math.floor, math.type, math.huge, math.mininteger

local MAX_NESTING = 16

-- (int64_t)n as C converts a double on x86: out of range gives INT64_MIN.
local function toint64(n)
  if n ~= n or n >= 9223372036854775808.0 or n < -9223372036854775808.0 then return mininteger end
  local i = n >= 0 and mfloor(n) or -mfloor(-n)
  return math.tointeger(i)
end

local function encodeInt(n, out)
  if n >= 0 then
    if n <= 127 then out[#out + 1] = schar(n)
    elseif n <= 0xff then out[#out + 1] = schar(0xcc, n)
    elseif n <= 0xffff then out[#out + 1] = spack('>BI2', 0xcd, n)
    elseif n <= 0xffffffff then out[#out + 1] = spack('>BI4', 0xce, n)
    else out[#out + 1] = spack('>Bi8', 0xcf, n) end
  else
    if n >= -32 then out[#out + 1] = schar(n & 0xff)
    elseif n >= -128 then out[#out + 1] = spack('>Bi1', 0xd0, n)
    elseif n >= -32768 then out[#out + 1] = spack('>Bi2', 0xd1, n)
    elseif n >= -2147483648 then out[#out + 1] = spack('>Bi4', 0xd2, n)
    else out[#out + 1] = spack('>Bi8', 0xd3, n) end
  end
end

local function encodeNumber(n, out)
  local d = n + 0.0
  local i = toint64(d)
  if d == d and d ~= mhuge and d ~= -mhuge and i + 0.0 == d then
    encodeInt(i, out)
  elseif sunpack('<f', spack('<f', d)) == d then
    out[#out + 1] = spack('>Bf', 0xca, d)
  else
    out[#out + 1] = spack('>Bd', 0xcb, d)
  end
end

local function encodeString(s, out)
  local len = #s
  if len < 32 then out[#out + 1] = schar(0xa0 | len)
  elseif len <= 0xff then out[#out + 1] = schar(0xd9, len)
  elseif len <= 0xffff then out[#out + 1] = spack('>BI2', 0xda, len)
  else out[#out + 1] = spack('>BI4', 0xdb, len) end
  out[#out + 1] = s
end

local function header(n, fix, b16, b32, out)
  if n <= 15 then out[#out + 1] = schar(fix | n)
  elseif n <= 65535 then out[#out + 1] = spack('>BI2', b16, n)
  else out[#out + 1] = spack('>BI4', b32, n) end
end

-- table_is_an_array: numeric keys 1..N without holes.
local function isArray(t)
  local count, max = 0, 0
  for k in next, t do
    local n = type(k) == 'number' and k or (type(k) == 'string' and tonumber(k))
    if not n or n <= 0 or n ~= n or n >= 2147483648 or mfloor(n) ~= n then return false end
    if n > max then max = n end
    count = count + 1
  end
  return max == count
end

local encode
encode = function(v, level, out)
  local t = type(v)
  if t == 'table' and level == MAX_NESTING then t = 'nil' end
  if t == 'string' then encodeString(v, out)
  elseif t == 'boolean' then out[#out + 1] = v and '\xc3' or '\xc2'
  elseif t == 'number' then encodeNumber(v, out)
  elseif t == 'table' then
    if isArray(v) then
      local len = #v
      header(len, 0x90, 0xdc, 0xdd, out)
      for j = 1, len do encode(v[j], level + 1, out) end
    else
      local len = 0
      for _ in next, v do len = len + 1 end
      header(len, 0x80, 0xde, 0xdf, out)
      for k, x in next, v do
        encode(k, level + 1, out)
        encode(x, level + 1, out)
      end
    end
  else
    out[#out + 1] = '\xc0'
  end
end

local P = {}
P._NAME = 'cmsgpack'
P._VERSION = 'lua-cmsgpack 0.4.0'
P._COPYRIGHT = 'Copyright (C) 2012, Salvatore Sanfilippo'
P._DESCRIPTION = 'MessagePack C implementation for Lua'

P.pack = function(...)
  local n = select('#', ...)
  if n == 0 then error("bad argument #0 to 'pack' (MessagePack pack needs input.)") end
  local out = {}
  for i = 1, n do encode((select(i, ...)), 0, out) end
  return tconcat(out)
end

-- Decoding: returns the value and the next position, or nil and an error kind.
local EOF, BADFMT = 1, 2

-- Numbers as Lua 5.1 holds them: doubles, so integers past 2^53 round.
local function num(n)
  if mtype(n) == 'integer' and (n >= 9007199254740992 or n <= -9007199254740992) then return n + 0.0 end
  return n
end

local decode
local function need(s, i, n)
  return #s - i + 1 >= n
end

local function decodeArray(s, i, len)
  local t = {}
  for k = 1, len do
    local v, j = decode(s, i)
    if j == nil then return v, nil end
    t[k] = v
    i = j
  end
  return t, i
end

local function decodeMap(s, i, len)
  local t = {}
  for _ = 1, len do
    local k, j = decode(s, i)
    if j == nil then return k, nil end
    local v, j2 = decode(s, j)
    if j2 == nil then return v, nil end
    if k == nil then error('table index is nil', 0) end
    if k ~= k then error('table index is NaN', 0) end
    t[k] = v
    i = j2
  end
  return t, i
end

decode = function(s, i)
  if not need(s, i, 1) then return EOF, nil end
  local c = sbyte(s, i)
  if c <= 0x7f then return c, i + 1 end
  if c >= 0xe0 then return c - 256, i + 1 end
  if c >= 0xa0 and c <= 0xbf then
    local l = c & 0x1f
    if not need(s, i, 1 + l) then return EOF, nil end
    return ssub(s, i + 1, i + l), i + 1 + l
  end
  if c >= 0x90 and c <= 0x9f then return decodeArray(s, i + 1, c & 0xf) end
  if c >= 0x80 and c <= 0x8f then return decodeMap(s, i + 1, c & 0xf) end
  if c == 0xc0 then return nil, i + 1 end
  if c == 0xc2 then return false, i + 1 end
  if c == 0xc3 then return true, i + 1 end
  local fmt, size = nil, 0
  if c == 0xcc then fmt, size = '>I1', 2
  elseif c == 0xcd then fmt, size = '>I2', 3
  elseif c == 0xce then fmt, size = '>I4', 5
  elseif c == 0xcf then fmt, size = '>i8', 9
  elseif c == 0xd0 then fmt, size = '>i1', 2
  elseif c == 0xd1 then fmt, size = '>i2', 3
  elseif c == 0xd2 then fmt, size = '>i4', 5
  elseif c == 0xd3 then fmt, size = '>i8', 9
  elseif c == 0xca then fmt, size = '>f', 5
  elseif c == 0xcb then fmt, size = '>d', 9 end
  if fmt then
    if not need(s, i, size) then return EOF, nil end
    return normnum(num((sunpack(fmt, s, i + 1)))), i + size
  end
  if c == 0xd9 or c == 0xda or c == 0xdb then
    local hf, hs = '>I1', 2
    if c == 0xda then hf, hs = '>I2', 3 elseif c == 0xdb then hf, hs = '>I4', 5 end
    if not need(s, i, hs) then return EOF, nil end
    local l = sunpack(hf, s, i + 1)
    if not need(s, i, hs + l) then return EOF, nil end
    return ssub(s, i + hs, i + hs + l - 1), i + hs + l
  end
  if c == 0xdc or c == 0xdd or c == 0xde or c == 0xdf then
    local hf, hs = '>I2', 3
    if c == 0xdd or c == 0xdf then hf, hs = '>I4', 5 end
    if not need(s, i, hs) then return EOF, nil end
    local l = sunpack(hf, s, i + 1)
    if c == 0xdc or c == 0xdd then return decodeArray(s, i + hs, l) end
    return decodeMap(s, i + hs, l)
  end
  return BADFMT, nil
end

local function unpackFull(name, s, limit, offset)
  if type(s) == 'number' then s = num2str(s) end
  if type(s) ~= 'string' then
    error("bad argument #1 to '" .. name .. "' (string expected, got " .. (s == nil and 'no value' or type(s)) .. ')')
  end
  local len = #s
  if offset < 0 or limit < 0 then
    error('Invalid request to unpack with offset of ' .. offset .. ' and limit of ' .. len .. '.')
  elseif offset > len then
    error('Start offset ' .. offset .. ' greater than input length ' .. len .. '.')
  end
  local decodeAll = limit == 0 and offset == 0
  if decodeAll then limit = 2147483647 end
  local results, n = {}, 0
  local i = offset + 1
  while i <= len and n < limit do
    local v, j = decode(s, i)
    if j == nil then
      if v == EOF then error('Missing bytes in input.') end
      error('Bad data format in input.')
    end
    n = n + 1
    results[n] = v
    i = j
  end
  if not decodeAll then
    return (i > len) and -1 or (i - 1), tunpack(results, 1, n)
  end
  return tunpack(results, 1, n)
end

P.unpack = function(s) return unpackFull('unpack', s, 0, 0) end
P.unpack_one = function(s, offset)
  offset = offset == nil and 0 or toint(offset)
  return unpackFull('unpack_one', s, 1, offset)
end
P.unpack_limit = function(s, limit, offset)
  local l = toint(limit)
  if type(l) ~= 'number' then
    error("bad argument #2 to 'unpack_limit' (number expected, got " .. (limit == nil and 'no value' or type(limit)) .. ')')
  end
  offset = offset == nil and 0 or toint(offset)
  return unpackFull('unpack_limit', s, l, offset)
end
return P
`;

// ---- struct 0.2 ----------------------------------------------------------------------
export const STRUCT = String.raw`
local util = ...
local num2str, toint, normnum = util.num2str, util.toint, util.normnum
local type, select, tonumber, error = type, select, tonumber, error
local spack, sunpack, sbyte, ssub, schar, sfind, smatch = string.pack, string.unpack, string.byte, string.sub, string.char, string.find, string.match
local tconcat = table.concat
local mfloor, mtype, mininteger = math.floor, math.type, math.mininteger

local MAXINTSIZE = 32
local MAXALIGN = 8
local SIZES = { b = 1, B = 1, h = 2, H = 2, l = 8, L = 8, T = 8, f = 4, d = 8, x = 1 }

local function isp2(x) return x > 0 and (x & (x - 1)) == 0 end

local function typename(v, present)
  if not present then return 'no value' end
  return type(v)
end

-- The format string as C sees it: up to the first NUL.
local function fmtArg(fmt, name, present)
  if type(fmt) == 'number' then fmt = num2str(fmt) end
  if type(fmt) ~= 'string' then
    error('bad argument #1 to ' .. "'" .. name .. "' (string expected, got " .. typename(fmt, present) .. ')')
  end
  return smatch(fmt, '^[^\0]*')
end

local function getnum(fmt, i, df)
  local d = smatch(fmt, '^%d+', i)
  if not d then return df, i end
  local a = 0
  for k = 1, #d do
    local c = sbyte(d, k) - 48
    if a > 214748364 or a * 10 > 2147483647 - c then error('integral size overflow') end
    a = a * 10 + c
  end
  return a, i + #d
end

-- optsize: the option's size and the index after any count.
local function optsize(opt, fmt, i)
  local s = SIZES[opt]
  if s then return s, i end
  if opt == 'c' then return getnum(fmt, i, 1) end
  if opt == 'i' or opt == 'I' then
    local sz
    sz, i = getnum(fmt, i, 4)
    if sz > MAXINTSIZE then
      error('integral size ' .. sz .. ' is larger than limit of ' .. MAXINTSIZE)
    end
    return sz, i
  end
  return 0, i
end

local function toalign(len, h, opt, size)
  if size == 0 or opt == 'c' then return 0 end
  if size > h.align then size = h.align end
  return (size - (len & (size - 1))) & (size - 1)
end

local function controloptions(opt, fmt, i, h, name)
  if opt == ' ' then return i end
  if opt == '>' then h.little = false; return i end
  if opt == '<' then h.little = true; return i end
  if opt == '!' then
    local a
    a, i = getnum(fmt, i, MAXALIGN)
    if not isp2(a) then error('alignment ' .. a .. ' is not a power of 2') end
    h.align = a
    return i
  end
  error('bad argument #1 to ' .. "'" .. name .. "' (invalid format option '" .. opt .. "')")
end

-- putinteger's (Uinttype) conversion of a double, as x86 performs it.
local function touint64(n)
  if n < 0 then
    if n < -9223372036854775808.0 then return mininteger end
    return math.tointeger(-mfloor(-n))
  end
  if n < 9223372036854775808.0 then return math.tointeger(mfloor(n)) end
  if n < 18446744073709551616.0 then return math.tointeger(mfloor(n - 9223372036854775808.0)) + mininteger end
  if n ~= n then return mininteger end
  return 0
end

local function checknumber(v, arg, present)
  local n = tonumber(v)
  if n == nil then
    error('bad argument #' .. arg .. " to 'pack' (number expected, got " .. typename(v, present) .. ')')
  end
  return n + 0.0
end

local S = {}

S.pack = function(...)
  local nargs = select('#', ...)
  local fmt = fmtArg((...), 'pack', nargs >= 1)
  local h = { little = true, align = 1 }
  local out, total, arg, i = {}, 0, 2, 1
  local argt = { ... }
  -- b_pack pushes a nil at index 2 (its buffer marker): a missing first value reads as nil.
  local function argv(k) return argt[k], k <= nargs or k == 2 end
  while i <= #fmt do
    local opt = ssub(fmt, i, i)
    i = i + 1
    local size
    size, i = optsize(opt, fmt, i)
    local pad = toalign(total, h, opt, size)
    total = total + pad
    if pad > 0 then out[#out + 1] = string.rep('\0', pad) end
    if opt == 'b' or opt == 'B' or opt == 'h' or opt == 'H' or opt == 'l' or opt == 'L' or opt == 'T' or opt == 'i' or opt == 'I' then
      local v, present = argv(arg)
      local value = touint64(checknumber(v, arg, present))
      arg = arg + 1
      local bytes = {}
      for k = 1, size do
        bytes[k] = value & 0xff
        value = value >> 8
      end
      if h.little then
        out[#out + 1] = schar(table.unpack(bytes, 1, size))
      else
        local rev = {}
        for k = 1, size do rev[k] = bytes[size - k + 1] end
        out[#out + 1] = schar(table.unpack(rev, 1, size))
      end
    elseif opt == 'x' then
      out[#out + 1] = '\0'
    elseif opt == 'f' or opt == 'd' then
      local v, present = argv(arg)
      local n = checknumber(v, arg, present)
      arg = arg + 1
      out[#out + 1] = spack((h.little and '<' or '>') .. opt, n)
    elseif opt == 'c' or opt == 's' then
      local v, present = argv(arg)
      if type(v) == 'number' then v = num2str(v) end
      if type(v) ~= 'string' then
        error('bad argument #' .. arg .. " to 'pack' (string expected, got " .. typename(v, present) .. ')')
      end
      arg = arg + 1
      if size == 0 then size = #v end
      if #v < size then error('bad argument #' .. arg .. " to 'pack' (string too short)") end
      out[#out + 1] = ssub(v, 1, size)
      if opt == 's' then
        out[#out + 1] = '\0'
        size = size + 1
      end
    else
      i = controloptions(opt, fmt, i, h, 'pack')
    end
    total = total + size
  end
  return tconcat(out)
end

local function getinteger(data, pos, little, signed, size)
  local l = 0
  if not little then
    for k = 0, size - 1 do l = (l << 8) | sbyte(data, pos + k) end
  else
    for k = size - 1, 0, -1 do l = (l << 8) | sbyte(data, pos + k) end
  end
  if not signed then
    if l < 0 then return ((l >> 32) & 0xffffffff) * 4294967296.0 + (l & 0xffffffff) end
    return normnum(l >= 9007199254740992 and l + 0.0 or l)
  end
  if size < 8 then
    local mask = -1 << (size * 8 - 1)
    if l & mask ~= 0 then l = l | mask end
  end
  if l >= 9007199254740992 or l <= -9007199254740992 then return l + 0.0 end
  return l
end

S.unpack = function(...)
  local nargs = select('#', ...)
  local f, data, init = ...
  local fmt = fmtArg(f, 'unpack', nargs >= 1)
  if type(data) == 'number' then data = num2str(data) end
  if type(data) ~= 'string' then
    error("bad argument #2 to 'unpack' (string expected, got " .. typename(data, nargs >= 2) .. ')')
  end
  local ld = #data
  local pos = 0
  if init ~= nil then
    local n = toint(init)
    if type(n) ~= 'number' then
      error("bad argument #3 to 'unpack' (number expected, got " .. type(init) .. ')')
    end
    pos = n - 1
  end
  if pos < 0 then error("bad argument #3 to 'unpack' (offset must be 1 or greater)") end
  local h = { little = true, align = 1 }
  local res, n, i = {}, 0, 1
  while i <= #fmt do
    local opt = ssub(fmt, i, i)
    i = i + 1
    local size
    size, i = optsize(opt, fmt, i)
    pos = pos + toalign(pos, h, opt, size)
    if not (size <= ld and pos <= ld - size) then
      error("bad argument #2 to 'unpack' (data string too short)")
    end
    if opt == 'b' or opt == 'B' or opt == 'h' or opt == 'H' or opt == 'l' or opt == 'L' or opt == 'T' or opt == 'i' or opt == 'I' then
      n = n + 1
      res[n] = getinteger(data, pos + 1, h.little, opt == 'b' or opt == 'h' or opt == 'l' or opt == 'i', size)
    elseif opt == 'x' then
      -- padding
    elseif opt == 'f' or opt == 'd' then
      n = n + 1
      res[n] = normnum((sunpack((h.little and '<' or '>') .. opt, data, pos + 1)))
    elseif opt == 'c' then
      if size == 0 then
        if n == 0 or type(res[n]) ~= 'number' and not tonumber(res[n]) then
          error("format 'c0' needs a previous size")
        end
        size = toint(tonumber(res[n]))
        res[n] = nil
        n = n - 1
        if not (size <= ld and pos <= ld - size) then
          error("bad argument #2 to 'unpack' (data string too short)")
        end
      end
      n = n + 1
      res[n] = ssub(data, pos + 1, pos + size)
    elseif opt == 's' then
      local e = sfind(data, '\0', pos + 1, true)
      if not e then error('unfinished string in data') end
      size = e - pos
      n = n + 1
      res[n] = ssub(data, pos + 1, e - 1)
    else
      i = controloptions(opt, fmt, i, h, 'unpack')
    end
    pos = pos + size
  end
  n = n + 1
  res[n] = pos + 1
  return table.unpack(res, 1, n)
end

S.size = function(...)
  local fmt = fmtArg((...), 'size', select('#', ...) >= 1)
  local h = { little = true, align = 1 }
  local pos, i = 0, 1
  while i <= #fmt do
    local opt = ssub(fmt, i, i)
    i = i + 1
    local size
    size, i = optsize(opt, fmt, i)
    pos = pos + toalign(pos, h, opt, size)
    if opt == 's' then
      error("bad argument #1 to 'size' (option 's' has no fixed size)")
    elseif opt == 'c' and size == 0 then
      error("bad argument #1 to 'size' (option 'c0' has no fixed size)")
    end
    if not smatch(opt, '%w') then i = controloptions(opt, fmt, i, h, 'size') end
    pos = pos + size
  end
  return pos
end

return S
`;
