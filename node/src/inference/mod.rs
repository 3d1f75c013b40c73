//! The node's inference service (DESIGN.md §6b, revision 2): an OpenAI-compatible HTTP
//! endpoint that serves developers' signed requests at once when the draw gives them to this
//! host, forwards the others to their executors, reports what it served, and re-checks other
//! hosts' results; and `gonka-node gateway`, which signs plain OpenAI requests with a
//! developer's key.
//!
//! - [`openai`]: the wire format and errors;
//! - [`server`]: the routes, the checks of a signed request, forwarding;
//! - [`admission`]: what an executor checks before it serves (window, nonce, price, deposit);
//! - [`serve`]: serving, streaming, then evidence and report from a task of its own;
//! - [`evidence`]: what was served, on disk until settled;
//! - [`reporter`]: batched `finish` reports;
//! - [`executor`]: the model, completions and re-checks;
//! - [`chain`]: what the service reads from and submits to the chain; [`error`]: its errors;
//! - [`watcher`]: declaring the model served, and the host's duties as blocks arrive;
//! - [`gateway`]: the developer's local gateway.

mod admission;
mod chain;
mod error;
mod evidence;
mod executor;
pub mod gateway;
mod openai;
mod reporter;
mod serve;
mod server;
mod stop;
mod watcher;

use std::{
	net::{SocketAddr, TcpListener},
	path::{Path, PathBuf},
	sync::Arc,
};

use gonka_inference_engine::{
	chat::ChatTemplate,
	test_model::{write_test_model, StoredAs},
	Model, Tokenizer,
};
use sc_service::TaskManager;

use crate::{client::FullClient, host::HostSubmitter};
use chain::Chain;
use evidence::EvidenceStore;
use executor::Executor;

/// Where the endpoint listens unless `--inference-listen` says otherwise.
const DEFAULT_LISTEN: &str = "127.0.0.1:8000";

/// The inference service's options.
#[derive(Clone, Debug, clap::Args)]
pub struct InferenceArgs {
	/// Serve this model: a GGUF file (or a folder holding one), or a Hugging Face checkpoint
	/// folder (`config.json`, safetensors files, `tokenizer.json`), whose weights hash must be
	/// a registered model's. Turns the endpoint on (see `--inference-listen`). The host key
	/// must be in the keystore, as for `--compute`.
	#[arg(long, value_name = "PATH")]
	pub inference_model: Option<PathBuf>,

	/// Where the OpenAI-compatible endpoint listens [default: 127.0.0.1:8000 when a model is
	/// served]. Without `--inference-model` the endpoint only relays requests to the hosts the
	/// chain draws.
	#[arg(long, value_name = "ADDR:PORT")]
	pub inference_listen: Option<SocketAddr>,

	/// Run the model on these CUDA GPUs (comma-separated ordinals, e.g. `0,1`; f16 weights
	/// and KV cache, f32 accumulation): a copy of the weights on each, each request on one of
	/// them in turn. The CPU computes everything when absent.
	#[arg(long, value_name = "ORDINALS", value_delimiter = ',')]
	pub inference_cuda: Vec<usize>,

	/// Testing only: alter every generated token, so that re-checks can be seen to fail (the
	/// host is slashed and removed). Never set on a real host.
	#[arg(long)]
	pub inference_forge_output: bool,
}

/// The service, ready to start: the listening socket, and the model with its evidence store
/// when one is served.
pub struct InferenceSetup {
	listener: TcpListener,
	executor: Option<(Arc<Executor>, Arc<EvidenceStore>)>,
}

impl InferenceSetup {
	/// Loads the model, opens its evidence store under `data_dir` and binds the endpoint;
	/// `None` when the options turn nothing on.
	pub fn new(args: &InferenceArgs, data_dir: &Path) -> Result<Option<Self>, String> {
		let Some(listen) = args
			.inference_listen
			.or_else(|| args.inference_model.as_ref().and_then(|_| DEFAULT_LISTEN.parse().ok()))
		else {
			return Ok(None);
		};
		let executor = args
			.inference_model
			.as_ref()
			.map(|path| {
				let failed = |error: gonka_inference_engine::InferenceError| {
					format!("--inference-model {}: {error}", path.display())
				};
				let mut model = Model::load(path, None).map_err(failed)?;
				let tokenizer = Tokenizer::load(path).map_err(failed)?;
				let template = ChatTemplate::load(path, &tokenizer).map_err(failed)?;
				if !args.inference_cuda.is_empty() {
					model.use_cuda(&args.inference_cuda).map_err(|error| {
						let ordinals: Vec<String> =
							args.inference_cuda.iter().map(usize::to_string).collect();
						format!("--inference-cuda {}: {error}", ordinals.join(","))
					})?;
				}
				let folder = data_dir.join("inference").join("evidence");
				let evidence = EvidenceStore::open(&folder).map_err(|error| {
					format!("cannot keep inference evidence in {}: {error}", folder.display())
				})?;
				let executor =
					Executor::new(model, tokenizer, template, args.inference_forge_output);
				Ok::<_, String>((Arc::new(executor), Arc::new(evidence)))
			})
			.transpose()?;
		let listener = TcpListener::bind(listen).map_err(|error| {
			format!("--inference-listen {listen}: cannot listen there ({error}); pick a free port")
		})?;
		listener
			.set_nonblocking(true)
			.map_err(|error| format!("--inference-listen {listen}: {error}"))?;
		Ok(Some(Self { listener, executor }))
	}

	/// The endpoint's URL, as gateways reach it through `gonka_inferenceEndpoint`.
	pub fn url(&self) -> Option<String> {
		self.listener.local_addr().ok().map(|address| format!("http://{address}"))
	}

	/// Starts the endpoint and the reporter, and the watcher when a model is served. The
	/// served model must be registered on chain.
	pub fn spawn(
		self,
		task_manager: &TaskManager,
		client: Arc<FullClient>,
		submitter: Arc<HostSubmitter>,
	) -> Result<(), String> {
		let chain = Chain::new(client.clone(), submitter);
		let serving = match self.executor {
			Some((executor, evidence)) => {
				let hash = executor.weights_hash();
				let models = chain.models().map_err(|error| error.to_string())?;
				let info = models.iter().find(|info| info.model.weights_hash == hash).ok_or_else(
					|| {
						format!(
							"--inference-model: no registered model has weights hash 0x{}; \
							 governance registers models (Inference.register_model)",
							hex::encode(hash)
						)
					},
				)?;
				let name = String::from_utf8_lossy(&info.model.name).into_owned();
				if executor.context() < info.model.architecture.context as usize {
					return Err(format!(
						"--inference-model: the model's context ({}) is shorter than the \
						 registry's ({}) for '{name}'",
						executor.context(),
						info.model.architecture.context
					));
				}
				log::info!(target: "inference", "Serving '{name}' (model {})", info.id);
				task_manager.spawn_handle().spawn(
					"inference-watcher",
					Some("inference"),
					watcher::run(
						client,
						chain.clone(),
						executor.clone(),
						evidence.clone(),
						info.id,
					),
				);
				let (reporter, reporting) = reporter::Reporter::new(chain.clone());
				reporter.report_lost(&chain, &evidence);
				task_manager.spawn_essential_handle().spawn(
					"inference-reporter",
					Some("inference"),
					reporting,
				);
				Some(serve::Serving {
					model: info.id,
					executor,
					evidence,
					admissions: Arc::default(),
					reporter,
					generations: Arc::new(tokio::sync::Semaphore::new(1)),
				})
			}
			None => None,
		};
		let address = self.listener.local_addr().map_err(|error| error.to_string())?;
		let listener = tokio::net::TcpListener::from_std(self.listener)
			.map_err(|error| format!("the inference endpoint cannot listen: {error}"))?;
		let http = reqwest::Client::builder()
			.connect_timeout(std::time::Duration::from_secs(5))
			.build()
			.map_err(|error| format!("the inference endpoint's HTTP client: {error}"))?;
		let endpoint = Arc::new(server::Endpoint { chain, serving, http });
		log::info!(target: "inference", "OpenAI-compatible endpoint on http://{address}/v1");
		task_manager.spawn_essential_handle().spawn(
			"inference-endpoint",
			Some("inference"),
			async move {
				if let Err(error) = axum::serve(listener, server::router(endpoint)).await {
					log::error!(target: "inference", "The inference endpoint stopped: {error}");
				}
			},
		);
		Ok(())
	}
}

/// `gonka-node write-test-model`.
#[derive(Debug, clap::Args)]
pub struct WriteTestModelCmd {
	/// The folder to write `config.json` and `model.safetensors` into (created if missing).
	#[arg(long, value_name = "DIR")]
	pub out: PathBuf,
}

impl WriteTestModelCmd {
	/// Writes the model and prints its weights hash.
	pub fn run(&self) -> Result<(), String> {
		let hash = write_test_model(
			&self.out,
			gonka_primitives::inference::TEST_MODEL_SEED,
			StoredAs::F32,
		)
		.map_err(|error| format!("--out {}: {error:?}", self.out.display()))?;
		println!("0x{}", hex::encode(hash));
		Ok(())
	}
}
