use super::{call, fails, ok};
use crate::tools::context::GoalState;
use crate::tools::memory::MemoryContext;
use std::collections::BTreeMap;

#[test]
fn goal_state_in_the_json_ops_reads() {
    let mut ctx = MemoryContext::new("kv/0");
    let word = |s: &str| s.to_string();
    ctx.goal = GoalState {
        units: BTreeMap::from([(word("kv/0"), word("active")), (word("kv/1"), word("dying"))]),
        relations: BTreeMap::from([(
            word("kv"),
            BTreeMap::from([(word("kv-client"), word("joined")), (word("kv-client/0"), word("blocked"))]),
        )]),
        since_ms: 61_000,
    };
    let since = "\"since\":\"1970-01-01T00:01:01Z\"";
    assert_eq!(
        ok(call(&mut ctx, "goal-state", &["--format=json"])),
        format!(
            "{{\"relations\":{{\"kv\":{{\"kv-client\":{{{since},\"status\":\"joined\"}},\"kv-client/0\":{{{since},\"status\":\"blocked\"}}}}}},\
             \"units\":{{\"kv/0\":{{{since},\"status\":\"active\"}},\"kv/1\":{{{since},\"status\":\"dying\"}}}}}}\n"
        )
    );
    fails(call(&mut ctx, "goal-state", &["extra"]), 2, "unrecognized args: [\"extra\"]");
}
