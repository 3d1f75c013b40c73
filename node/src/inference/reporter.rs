//! Reports served requests to the chain (`finish`) from a task of its own, so that no client,
//! not even one that disconnects mid-stream, can keep an executor from being paid. Reports
//! are gathered for up to [`BATCH_WAIT`] and submitted together, up to the runtime's
//! `MaxReports` a call; a batch the pool refuses is tried again at the next round while its
//! requests can still be reported.

use std::time::Duration;

use futures::{channel::mpsc, StreamExt};
use gonka_runtime::{BlockNumber, Runtime};
use pallet_inference::ReportOf;
use sp_runtime::BoundedVec;

use super::chain::Chain;

/// How long the first report of a batch waits for others.
const BATCH_WAIT: Duration = Duration::from_millis(1500);

/// Where served requests' reports go.
#[derive(Clone)]
pub struct Reporter {
	sender: mpsc::UnboundedSender<ReportOf<Runtime>>,
}

impl Reporter {
	/// The reporter and the task that submits its batches.
	pub fn new(chain: Chain) -> (Self, impl std::future::Future<Output = ()>) {
		let (sender, receiver) = mpsc::unbounded();
		(Self { sender }, run(chain, receiver))
	}

	/// Queues the reports of `evidence` that never reached the chain (the node stopped before
	/// it reported them) while they can still be reported.
	pub fn report_lost(&self, chain: &Chain, evidence: &super::evidence::EvidenceStore) {
		let open = reportable_now(chain);
		for (key, record) in evidence.all() {
			let Some(report) = record.report() else { continue };
			let open = open(&report);
			let reported =
				matches!(chain.job(key), Ok(Some(_))) || chain.job_reported(key).unwrap_or(true);
			if open && !reported {
				log::info!(target: "inference", "Reporting job 0x{} again: served before a restart", hex::encode(key));
				self.report(report);
			}
		}
	}

	/// Queues `report`.
	pub fn report(&self, report: ReportOf<Runtime>) {
		if self.sender.unbounded_send(report).is_err() {
			log::error!(target: "inference", "The reporter stopped: a served request goes unreported");
		}
	}
}

/// Whether a report can still land, at the best block: its request's `valid_until` plus
/// `report_blocks` not passed.
fn reportable_now(chain: &Chain) -> impl Fn(&ReportOf<Runtime>) -> bool {
	let report_blocks = chain.params().map(|params| params.report_blocks).unwrap_or(0);
	let best: BlockNumber = chain.best_number();
	move |report| best <= report.request.valid_until.saturating_add(report_blocks)
}

/// The most reports of one `finish`.
fn max_reports() -> usize {
	<<Runtime as pallet_inference::Config>::MaxReports as frame_support::traits::Get<u32>>::get()
		as usize
}

async fn run(chain: Chain, mut receiver: mpsc::UnboundedReceiver<ReportOf<Runtime>>) {
	let mut pending: Vec<ReportOf<Runtime>> = Vec::new();
	loop {
		if pending.is_empty() {
			match receiver.next().await {
				Some(report) => pending.push(report),
				None => return,
			}
		}
		tokio::time::sleep(BATCH_WAIT).await;
		while let Ok(report) = receiver.try_recv() {
			pending.push(report);
		}
		let reportable = reportable_now(&chain);
		pending.retain(|report| {
			let open = reportable(report);
			if !open {
				log::warn!(
					target: "inference",
					"A report of {}'s request {} missed its window", report.request.developer, report.request.nonce
				);
			}
			open
		});
		let take = pending.len().min(max_reports());
		if take == 0 {
			continue;
		}
		let batch: Vec<_> = pending.drain(..take).collect();
		let count = batch.len();
		let call =
			pallet_inference::Call::finish { reports: BoundedVec::truncate_from(batch.clone()) };
		match chain.submit(call).await {
			Ok(()) => log::info!(target: "inference", "Reported {count} served request(s)"),
			Err(error) => {
				log::warn!(target: "inference", "Reporting {count} request(s): {error}; trying again");
				pending.splice(0..0, batch);
			}
		}
	}
}
