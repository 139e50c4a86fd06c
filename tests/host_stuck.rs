//! The extension host with an instance V8 cannot stop. In a test binary of its own: the
//! abandoned instance's thread keeps running until the process ends, and would disturb the
//! measurements of tests/host.rs.

use std::time::{Duration, Instant};

use wasmcap::Stopped;
use wasmcap::host::{CallError, Host, HostOptions};

#[tokio::test]
async fn an_instance_v8_cannot_interrupt_is_abandoned_and_replaced() {
    // V8's optimizing compiler leaves this loop without an interrupt check: terminate_execution
    // never lands. The caller still gets its answer at the deadline; a fresh instance takes
    // the stuck one's place.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stuck.js");
    std::fs::write(
        &path,
        "let calls = 0;\nexport const calls_so_far = () => ++calls;\nexport const uninterruptible = () => { for (;;) new Array(1000).fill(1); };\n",
    )
    .unwrap();
    let host = Host::new(HostOptions { timeout: Duration::from_millis(200), max_heap_mb: Some(32), ..Default::default() });
    let ext = host.load(&path).await.unwrap();
    assert_eq!(ext.call::<_, u32>("calls_so_far", ()).await.unwrap(), 1);
    let start = Instant::now();
    let result = ext.call::<_, ()>("uninterruptible", ()).await;
    assert_eq!(result, Err(CallError::Stopped(Stopped::TimedOut(Duration::from_millis(200)))));
    assert!(start.elapsed() < Duration::from_millis(600), "{:?}", start.elapsed());
    // Within a few seconds the instance is replaced (a fresh module) and serves calls again.
    let start = Instant::now();
    loop {
        match ext.call::<_, u32>("calls_so_far", ()).await {
            Ok(n) => {
                assert_eq!(n, 1, "a fresh instance");
                break;
            }
            Err(CallError::Gone) | Err(CallError::Stopped(_)) if start.elapsed() < Duration::from_secs(10) => {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => panic!("{e:?}"),
        }
    }
    assert_eq!(ext.recycled(), vec![1]);
}

