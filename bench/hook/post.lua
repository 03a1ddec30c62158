-- wrk: POST the same authenticated Alertmanager webhook body every time (the duplicate-storm case).
-- WRK_BODY_FILE and WRK_AUTH come from the environment (bench/hook/run.sh sets them).
local f = assert(io.open(os.getenv("WRK_BODY_FILE"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = os.getenv("WRK_AUTH")
