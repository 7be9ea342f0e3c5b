-- GCRA for a batch of independent decisions, each all or nothing. `now`
-- (integer microseconds) is set by the clock line the service puts above
-- this text.
--
-- ARGV[1] is 'd' (decide) or 'r' (refund), ARGV[2] the number of
-- decisions; then per decision its number of keys n, and five arguments per
-- key: num, den, burst, cost, shadow ('1' or '0'). KEYS holds the keys of
-- all decisions in the same order. The emission interval is num/den
-- microseconds, so quantities below are in 1/den µs and stay exact integers
-- (Lua numbers are doubles: exact below 2^53).
--
-- A key holds "<tat>:<rest>:<num>:<den>": its theoretical arrival time in µs
-- plus rest/den µs, and the rate it was written under; it expires when the
-- limit is idle again.
--
-- Decide returns, per decision, {admit, then per key: verdict (0 ok,
-- 1 over), remaining, reset µs (until idle), retry µs (until this cost
-- fits)}, all flattened. A rejection by any non-shadow key writes nothing;
-- shadow keys are written only when they admit, so they behave as if
-- enforced alone. Decisions run in order, so a key shared by two decisions
-- of a batch sees the first one's write. Refund returns nothing.

local floor, tonumber, call = math.floor, tonumber, redis.call

-- set writes a lead (1/den µs ahead of now) as the key's TAT, with the key
-- expiring when the lead has run out, or deletes the key.
local function set(key, lead, num, den)
  if lead <= 0 then
    call('DEL', key)
    return
  end
  call('SET', key, string.format('%d:%d:%d:%d', now + floor(lead / den), lead % den, num, den),
    'PX', floor((lead + den * 1000 - 1) / (den * 1000)))
end

local refund = ARGV[1] == 'r'
local out, on = {}, 0
local leads, news = {}, {}
local k, a = 0, 3
for _ = 1, tonumber(ARGV[2]) do
  local n = tonumber(ARGV[a])
  local admit, o0 = 1, on + 1
  on = on + 1 + 4 * n
  for i = 1, n do
    local b = a + (i - 1) * 5
    local num, den = tonumber(ARGV[b + 1]), tonumber(ARGV[b + 2])
    local tol, inc = num * tonumber(ARGV[b + 3]), num * tonumber(ARGV[b + 4])
    -- The lead: how far the TAT is ahead of now, in 1/den µs. A key written
    -- under another rate keeps its number of requests, not its time ahead:
    -- raising 1/h to 10/h must not leave a client waiting an hour.
    local lead = 0
    local v = call('GET', KEYS[k + i])
    if v then
      local tat, rest, onum, oden = string.match(v, '^(%d+):(%d+):(%d+):(%d+)$')
      if tat then -- else not ours: start afresh
        onum, oden = tonumber(onum), tonumber(oden)
        lead = (tonumber(tat) - now) * oden + tonumber(rest)
        if lead <= 0 then
          lead = 0
        elseif onum ~= num or oden ~= den then
          lead = math.ceil(lead * num / onum)
        end
        if lead > tol then lead = tol end -- the limit was lowered since
      end
    end
    if refund then
      if lead > 0 then set(KEYS[k + i], lead - inc, num, den) end
    else
      local new, o = lead + inc, o0 + 1 + (i - 1) * 4
      leads[i] = lead
      if new <= tol then
        news[i] = new
        out[o], out[o + 1], out[o + 2], out[o + 3] = 0, floor((tol - new) / num), floor((new + den - 1) / den), 0
      else
        news[i] = false
        out[o], out[o + 1], out[o + 2] = 1, floor((tol - lead) / num), floor((lead + den - 1) / den)
        out[o + 3] = floor((new - tol + den - 1) / den)
        if ARGV[b + 5] ~= '1' then admit = 0 end
      end
    end
  end
  if not refund then
    out[o0] = admit
    for i = 1, n do
      local new = news[i]
      if new then
        local b = a + (i - 1) * 5
        local num, den = tonumber(ARGV[b + 1]), tonumber(ARGV[b + 2])
        if admit == 1 then
          if new > leads[i] then set(KEYS[k + i], new, num, den) end
        else
          -- Nothing is consumed: report the state as it stays.
          local o = o0 + 1 + (i - 1) * 4
          out[o + 1] = floor((num * tonumber(ARGV[b + 3]) - leads[i]) / num)
          out[o + 2] = floor((leads[i] + den - 1) / den)
        end
      end
    end
  end
  k, a = k + n, a + 1 + n * 5
end
return out
