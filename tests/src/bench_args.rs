//! [`BenchArgs`]: the positional numbers of a benchmark program run by `cargo bench`.

/// The arguments of a benchmark program: whether cargo ran it as a benchmark (`--bench`) or as
/// a smoke test under `cargo test`, and its positional numbers, in order.
#[derive(Debug)]
pub struct BenchArgs {
    bench: bool,
    numbers: std::vec::IntoIter<usize>,
}

impl BenchArgs {
    /// This process's arguments. Anything but `--bench` and numbers (a filter or flag that
    /// `cargo bench -p kvcodec-tests -- …` hands every bench target) is ignored, with a note.
    pub fn parse() -> BenchArgs {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let bench = args.iter().any(|a| a == "--bench");
        let numbers = args
            .iter()
            .filter(|a| *a != "--bench")
            .filter_map(|a| match a.parse::<usize>() {
                Ok(n) => Some(n),
                Err(_) => {
                    eprintln!("ignoring argument {a:?}: expected a number");
                    None
                }
            })
            .collect::<Vec<_>>();
        BenchArgs {
            bench,
            numbers: numbers.into_iter(),
        }
    }

    /// The next number, or `bench` under `cargo bench` and `smoke` under `cargo test`.
    pub fn next_or(&mut self, bench: usize, smoke: usize) -> usize {
        self.numbers
            .next()
            .unwrap_or(if self.bench { bench } else { smoke })
    }
}
