//! Stop sequences (`stop` of OpenAI's requests): text is given as it is generated, except the
//! end that might begin a stop sequence, which is held until it cannot; a completed stop
//! sequence ends the completion and is not part of its text.

/// Scans generated text for the request's stop sequences.
pub struct StopScanner {
	stops: Vec<String>,
	held: String,
}

impl StopScanner {
	/// A scanner for `stops` (empty ones are ignored).
	pub fn new(stops: &[String]) -> Self {
		Self {
			stops: stops.iter().filter(|s| !s.is_empty()).cloned().collect(),
			held: String::new(),
		}
	}

	/// Takes the next `piece` of text: what can be given now, and whether a stop sequence
	/// was completed (the text before it is then all that is given).
	pub fn push(&mut self, piece: &str) -> (String, bool) {
		self.held.push_str(piece);
		if let Some(at) = self.stops.iter().filter_map(|stop| self.held.find(stop.as_str())).min() {
			let given = self.held[..at].to_string();
			self.held.clear();
			return (given, true);
		}
		let kept = self
			.stops
			.iter()
			.flat_map(|stop| {
				stop.char_indices()
					.skip(1)
					.map(|(end, _)| &stop[..end])
					.filter(|prefix| self.held.ends_with(prefix))
			})
			.map(str::len)
			.max()
			.unwrap_or(0);
		let given = self.held[..self.held.len() - kept].to_string();
		self.held.drain(..self.held.len() - kept);
		(given, false)
	}

	/// What is still held at the end of the completion.
	pub fn finish(self) -> String {
		self.held
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn run(stops: &[&str], pieces: &[&str]) -> (Vec<String>, bool) {
		let stops: Vec<String> = stops.iter().map(|s| s.to_string()).collect();
		let mut scanner = StopScanner::new(&stops);
		let mut given = Vec::new();
		for piece in pieces {
			let (text, stopped) = scanner.push(piece);
			given.push(text);
			if stopped {
				return (given, true);
			}
		}
		given.push(scanner.finish());
		(given, false)
	}

	#[test]
	fn a_stop_split_across_pieces_ends_the_text_before_it() {
		let (given, stopped) = run(&["\n\nUser:"], &["Hello", " there\n", "\nUs", "er: more"]);
		assert!(stopped);
		assert_eq!(given.concat(), "Hello there");
		assert_eq!(given[1], " there", "the newline that may begin the stop is held");
	}

	#[test]
	fn a_held_prefix_that_does_not_complete_is_given_later() {
		let (given, stopped) = run(&["END"], &["the EN", "d of it"]);
		assert!(!stopped);
		assert_eq!(given, ["the ", "ENd of it", ""]);
		assert_eq!(given.concat(), "the ENd of it");
	}

	#[test]
	fn the_earliest_of_several_stops_wins() {
		let (given, stopped) = run(&["b", "cd"], &["acdb"]);
		assert!(stopped);
		assert_eq!(given.concat(), "a");
	}
}
