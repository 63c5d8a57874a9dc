//! How many SQL statements a piece of work ran: counted per task inside [`counted`], so that a
//! request can report its own count (the `Server-Timing` header) and tests can pin that a page
//! asks the database the same number of times whatever the size of the library.
//!
//! Statements run by other tasks (background jobs, work a request spawns) are not counted.

use std::cell::Cell;
use std::future::Future;

tokio::task_local! {
    static STATEMENTS: Cell<u32>;
}

/// Notes one statement, when the current task is being counted.
pub fn count_one() {
    let _ = STATEMENTS.try_with(|n| n.set(n.get() + 1));
}

/// Runs `work`, counting the statements it runs on this task.
pub async fn counted<F: Future>(work: F) -> (F::Output, u32) {
    STATEMENTS
        .scope(Cell::new(0), async {
            let out = work.await;
            (out, STATEMENTS.with(Cell::get))
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn statements_are_counted_inside_only() {
        count_one();
        let ((), n) = counted(async {
            count_one();
            count_one();
        })
        .await;
        assert_eq!(n, 2);
    }
}
