//! A model's chat template: the Jinja template its files carry (GGUF's
//! `tokenizer.chat_template`; a checkpoint's `chat_template.jinja` or the `chat_template` of
//! its `tokenizer_config.json`), rendered with `minijinja` and Python's string methods as
//! Hugging Face's `apply_chat_template` renders it.

use std::path::Path;

use minijinja::{context, Environment, Error, ErrorKind};
use serde::Serialize;

use crate::{
	load::{gguf::GgufModel, ModelFiles},
	tokenizer::Tokenizer,
	InferenceError,
};

/// One message of a conversation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChatMessage {
	/// `system`, `user`, `assistant` or `tool`.
	pub role: String,
	/// Its text.
	pub content: String,
}

/// A compiled chat template with the special tokens it may name.
pub struct ChatTemplate {
	environment: Environment<'static>,
	bos_token: String,
	eos_token: String,
}

fn failed(error: impl std::fmt::Display) -> InferenceError {
	InferenceError::ChatTemplate(error.to_string())
}

impl ChatTemplate {
	/// Compiles `source`; `bos_token` and `eos_token` are the texts the template may use.
	pub fn new(
		source: String,
		bos_token: String,
		eos_token: String,
	) -> Result<Self, InferenceError> {
		let mut environment = Environment::new();
		environment
			.set_unknown_method_callback(minijinja_contrib::pycompat::unknown_method_callback);
		environment.add_function("raise_exception", |message: String| -> Result<String, Error> {
			Err(Error::new(ErrorKind::InvalidOperation, message))
		});
		environment.add_template_owned("chat", source).map_err(failed)?;
		Ok(ChatTemplate { environment, bos_token, eos_token })
	}

	/// The template of the model at `path`, if its files carry one; `tokenizer` names its
	/// beginning- and end-of-sequence tokens.
	pub fn load(path: &Path, tokenizer: &Tokenizer) -> Result<Option<Self>, InferenceError> {
		let (source, bos, eos) = match ModelFiles::find(path)? {
			ModelFiles::Gguf(file) => {
				let header = GgufModel::open(&file)?.header;
				let Some(source) = header.get("tokenizer.chat_template").and_then(|v| v.as_str())
				else {
					return Ok(None);
				};
				let text = |key: &str| {
					header
						.get(key)
						.and_then(|v| v.as_u64())
						.and_then(|id| tokenizer.token_text(id as u32))
						.unwrap_or_default()
				};
				let bos = text("tokenizer.ggml.bos_token_id");
				(source.to_string(), bos, text("tokenizer.ggml.eos_token_id"))
			}
			ModelFiles::Checkpoint(folder) => {
				let Some((source, bos, eos)) = checkpoint_template(&folder)? else {
					return Ok(None);
				};
				(source, bos, eos)
			}
		};
		Self::new(source, bos, eos).map(Some)
	}

	/// The prompt of `messages`, ending with the assistant's turn when `add_generation_prompt`.
	pub fn render(
		&self,
		messages: &[ChatMessage],
		add_generation_prompt: bool,
	) -> Result<String, InferenceError> {
		let template = self.environment.get_template("chat").map_err(failed)?;
		template
			.render(context! {
				messages => minijinja::Value::from(minijinja::value::Serde(messages)),
				add_generation_prompt => add_generation_prompt,
				bos_token => self.bos_token.as_str(),
				eos_token => self.eos_token.as_str(),
			})
			.map_err(failed)
	}
}

/// The template of a checkpoint folder and its special tokens' texts.
fn checkpoint_template(folder: &Path) -> Result<Option<(String, String, String)>, InferenceError> {
	let read = |name: &str| -> Result<Option<String>, InferenceError> {
		let path = folder.join(name);
		match std::fs::read_to_string(&path) {
			Ok(text) => Ok(Some(text)),
			Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
			Err(e) => Err(InferenceError::Io(path, e)),
		}
	};
	let config: serde_json::Value = match read("tokenizer_config.json")? {
		Some(text) => serde_json::from_str(&text)
			.map_err(|e| failed(format!("tokenizer_config.json: {e}")))?,
		None => serde_json::Value::Null,
	};
	let token = |key: &str| match &config[key] {
		serde_json::Value::String(text) => text.clone(),
		other => other["content"].as_str().unwrap_or_default().to_string(),
	};
	let source = match read("chat_template.jinja")? {
		Some(source) => Some(source),
		None => match &config["chat_template"] {
			serde_json::Value::String(source) => Some(source.clone()),
			serde_json::Value::Array(named) => named
				.iter()
				.find(|entry| entry["name"] == "default")
				.and_then(|entry| entry["template"].as_str())
				.map(str::to_string),
			_ => None,
		},
	};
	Ok(source.map(|source| (source, token("bos_token"), token("eos_token"))))
}

#[cfg(test)]
mod tests {
	use super::*;

	fn message(role: &str, content: &str) -> ChatMessage {
		ChatMessage { role: role.into(), content: content.into() }
	}

	#[test]
	fn renders_with_python_string_methods_and_the_special_tokens() {
		let template = ChatTemplate::new(
			"{{ bos_token }}{% for m in messages %}[{{ m.role.upper() }}] {{ m.content.strip() }}\n{% endfor %}{% if add_generation_prompt %}[ASSISTANT]{% endif %}".into(),
			"<s>".into(),
			"</s>".into(),
		)
		.expect("compiles");
		let prompt = template.render(&[message("user", "  hi  ")], true).expect("renders");
		assert_eq!(prompt, "<s>[USER] hi\n[ASSISTANT]");
	}

	#[test]
	fn a_template_that_raises_gives_its_message() {
		let template = ChatTemplate::new(
			"{% if messages[0].role != 'user' %}{{ raise_exception('first message must be the user') }}{% endif %}".into(),
			String::new(),
			String::new(),
		)
		.expect("compiles");
		let error = template.render(&[message("assistant", "x")], true).expect_err("raises");
		assert!(error.to_string().contains("first message must be the user"), "{error}");
	}
}
