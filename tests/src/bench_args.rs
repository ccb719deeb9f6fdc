//! [`BenchArgs`]: the positional numbers of a benchmark program run by `cargo bench`.

/// The arguments of a benchmark program: whether cargo ran it as a benchmark (`--bench`) or as
/// a smoke test under `cargo test`, and its positional numbers, in order.
#[derive(Debug)]
pub struct BenchArgs {
    bench: bool,
    numbers: std::vec::IntoIter<usize>,
}

impl BenchArgs {
    /// This process's arguments. Panics on an argument that is neither `--bench` nor a number:
    /// a benchmark program's usage error.
    pub fn parse() -> BenchArgs {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let bench = args.iter().any(|a| a == "--bench");
        let numbers = args
            .iter()
            .filter(|a| *a != "--bench")
            .map(|a| {
                a.parse::<usize>()
                    .unwrap_or_else(|_| panic!("expected a number, found {a:?}"))
            })
            .collect::<Vec<_>>();
        BenchArgs {
            bench,
            numbers: numbers.into_iter(),
        }
    }

    /// True when run by `cargo bench` (not as a smoke test).
    pub fn bench(&self) -> bool {
        self.bench
    }

    /// The next number, or `bench` under `cargo bench` and `smoke` under `cargo test`.
    pub fn next_or(&mut self, bench: usize, smoke: usize) -> usize {
        self.numbers
            .next()
            .unwrap_or(if self.bench { bench } else { smoke })
    }
}
