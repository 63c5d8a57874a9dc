use super::*;

#[test]
fn a_write_changes_the_stamps_that_depend_on_it_only() {
    let g = Generations::new(true);
    let a = g.stamp(Some("org-a"), Some("u1"));
    let b = g.stamp(Some("org-b"), Some("u2"));
    g.bump(&[Scope::Org("org-b".into())]);
    assert_eq!(g.stamp(Some("org-a"), Some("u1")), a);
    assert_ne!(g.stamp(Some("org-b"), Some("u2")), b);
    let b = g.stamp(Some("org-b"), Some("u2"));
    g.bump(&[Scope::User("u2".into())]);
    assert_ne!(g.stamp(Some("org-b"), Some("u2")), b);
    assert_eq!(g.stamp(Some("org-a"), Some("u1")), a);
    g.bump(&[]);
    assert_ne!(g.stamp(Some("org-a"), Some("u1")), a, "everything");
}

#[test]
fn writes_from_others_apply_and_ask_to_be_confirmed_and_ones_own_come_back() {
    let g = Generations::new(true);
    let s = g.stamp(Some("o1"), None);
    let seq = g.next_seq();
    assert_eq!(
        g.apply(&payload(g.instance(), seq, &[Scope::Org("o1".into())])),
        Reply::Nothing
    );
    assert_eq!(g.stamp(Some("o1"), None), s);
    assert!(g.0.waits.echoed_at(seq).is_some(), "the commit is told");
    assert_eq!(
        g.apply(&payload("other", 1, &[Scope::Org("o1".into())])),
        Reply::Ack {
            instance: "other".into(),
            seq: 1
        }
    );
    assert_ne!(g.stamp(Some("o1"), None), s);
    let s = g.stamp(None, Some("u"));
    g.apply("other#3 *");
    assert_ne!(g.stamp(None, Some("u")), s);
    let s = g.stamp(None, Some("u"));
    g.apply("other#4 x:garbage");
    assert_ne!(
        g.stamp(None, Some("u")),
        s,
        "unknown words invalidate everything"
    );
}

#[test]
fn an_instance_that_is_not_listening_never_repeats_a_stamp() {
    let g = Generations::new(false);
    assert_ne!(g.stamp(Some("o"), None), g.stamp(Some("o"), None));
    g.set_listening(true);
    assert_ne!(
        g.stamp(Some("o"), None),
        g.stamp(Some("o"), None),
        "listening, but not yet known to be caught up"
    );
    g.apply_presence(&g.ping_payload(Instant::now()));
    assert_eq!(g.stamp(Some("o"), None), g.stamp(Some("o"), None));
}

#[test]
fn trust_lasts_a_lease_after_the_last_check_that_came_back() {
    let g = Generations::new(false);
    g.set_listening(true);
    let sent = Instant::now();
    g.apply_presence(&g.ping_payload(sent));
    assert!(g.trusted_at(sent + LEASE / 2));
    assert!(!g.trusted_at(sent + LEASE), "lagging: caches off");
    // A check from another instance renews nothing here.
    let other = Generations::new(false);
    g.apply_presence(&other.ping_payload(sent + LEASE));
    assert!(!g.trusted_at(sent + LEASE));
    g.apply_presence(&g.ping_payload(sent + LEASE));
    assert!(g.trusted_at(sent + LEASE + LEASE / 2));
    g.set_listening(false);
    assert!(!g.trusted_at(sent + LEASE + LEASE / 2));
}

#[tokio::test]
async fn a_commit_settles_when_every_instance_heard_from_has_confirmed() {
    let g = Generations::new(false);
    g.set_listening(true);
    g.apply_presence("b ping 5");
    g.apply_presence("c ping 5");
    let seq = g.next_seq();
    g.apply(&payload(g.instance(), seq, &[]));
    let deadline = Instant::now() + Duration::from_secs(30);
    let settle = {
        let g = g.clone();
        tokio::spawn(async move { g.settle(seq, deadline).await })
    };
    tokio::task::yield_now().await;
    g.apply_presence(&format!("b ack {}:{seq} zz:1", g.instance()));
    tokio::task::yield_now().await;
    assert!(!settle.is_finished(), "c has not confirmed");
    g.apply_presence(&format!("c ack {}:{}", g.instance(), seq + 7));
    tokio::task::yield_now().await;
    assert!(!settle.is_finished(), "c confirmed another write");
    g.apply_presence(&format!("c ack {}:{seq}", g.instance()));
    assert!(settle.await.unwrap());
}

#[tokio::test]
async fn a_commit_that_is_not_confirmed_waits_out_the_lease_and_no_longer() {
    let g = Generations::new(false);
    g.set_listening(true);
    g.apply_presence("b ping 5");
    let seq = g.next_seq();
    g.apply(&payload(g.instance(), seq, &[]));
    let start = Instant::now();
    assert!(!g.settle(seq, start + Duration::from_millis(50)).await);
    assert!(start.elapsed() >= Duration::from_millis(50));
    // Not come back at all (not listening): the same.
    let lost = g.next_seq();
    assert!(
        !g.settle(lost, Instant::now() + Duration::from_millis(10))
            .await
    );
}

#[tokio::test]
async fn an_instance_first_heard_of_after_the_write_came_back_is_not_waited_for() {
    let g = Generations::new(false);
    g.set_listening(true);
    let seq = g.next_seq();
    g.apply(&payload(g.instance(), seq, &[]));
    std::thread::sleep(Duration::from_millis(2));
    g.apply_presence("newcomer ping 5");
    assert!(
        g.settle(seq, Instant::now() + Duration::from_secs(30))
            .await
    );
}
