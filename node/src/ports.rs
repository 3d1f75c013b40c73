//! Refuses to start when a port the node must listen on is taken.
//!
//! Substrate's RPC server silently moves to a random port when the requested one is busy, and
//! the p2p and Prometheus servers fail deep inside start-up. An operator who asked for a port
//! should instead hear, in one line, which port is taken and which flag changes it.

use std::net::{SocketAddr, TcpListener};

use sc_network::multiaddr::Protocol;
use sc_service::Configuration;

/// Checks every TCP address the node will listen on, and makes the RPC server fail rather than
/// move if its port is taken between this check and its start.
pub fn claim_listen_ports(config: &mut Configuration) -> Result<(), String> {
	for endpoint in config.rpc.addr.iter_mut().flatten() {
		endpoint.retry_random_port = false;
		// The IPv6 endpoint is optional: hosts without IPv6 skip it.
		if !endpoint.is_optional {
			ensure_free(endpoint.listen_addr, "JSON-RPC", "--rpc-port")?;
		}
	}
	if let Some(prometheus) = &config.prometheus_config {
		ensure_free(prometheus.port, "Prometheus", "--prometheus-port")?;
	}
	for address in &config.network.listen_addresses {
		let mut ip = None;
		for protocol in address.iter() {
			match protocol {
				Protocol::Ip4(v4) => ip = Some(v4.into()),
				Protocol::Ip6(v6) => ip = Some(v6.into()),
				Protocol::Tcp(port) if port != 0 => {
					if let Some(ip) = ip {
						ensure_free(SocketAddr::new(ip, port), "p2p", "--port")?;
					}
				}
				_ => {}
			}
		}
	}
	Ok(())
}

fn ensure_free(address: SocketAddr, service: &str, flag: &str) -> Result<(), String> {
	match TcpListener::bind(address) {
		Ok(_) => Ok(()),
		Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => Err(format!(
			"the {service} port {} on {} is already in use (is another node running?): stop \
			 that process or choose another port with {flag}",
			address.port(),
			address.ip()
		)),
		// Addresses this host cannot bind at all (e.g. no IPv6) are the server's to report.
		Err(_) => Ok(()),
	}
}
