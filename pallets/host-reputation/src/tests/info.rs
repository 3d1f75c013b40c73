//! Host metadata: bounded by its type, checked field by field, replaceable by its host only.

use frame_support::{assert_noop, assert_ok};

use crate::{mock::*, Error, Event, HostInfo, HostInfos};

fn with(name: &[u8], endpoint: &[u8], hardware: &[u8]) -> HostInfo {
	HostInfo {
		name: name.to_vec().try_into().expect("short"),
		endpoint: endpoint.to_vec().try_into().expect("short"),
		hardware: hardware.to_vec().try_into().expect("short"),
	}
}

#[test]
fn every_field_is_checked() {
	run(|| {
		let cases: [(HostInfo, Error<Test>); 7] = [
			(with(b"", b"", b""), Error::InvalidName),
			(with(b"tab\there", b"", b""), Error::InvalidName),
			(with(&[0xff, 0xfe], b"", b""), Error::InvalidName),
			(with(b"ok", b"ftp://host", b""), Error::InvalidEndpoint),
			(with(b"ok", b"https://", b""), Error::InvalidEndpoint),
			(with(b"ok", b"https://host/a b", b""), Error::InvalidEndpoint),
			(with(b"ok", b"http://host", b"line\nbreak"), Error::InvalidHardware),
		];
		for (bad, error) in cases {
			assert_noop!(
				HostReputation::register_host(RuntimeOrigin::signed(1), 100, bad.clone()),
				error
			);
		}
	});
}

#[test]
fn good_info_is_accepted_and_replaced() {
	run(|| {
		let first = with("Ünïcode host".as_bytes(), b"http://10.0.0.1:8080", b"");
		assert_ok!(HostReputation::register_host(RuntimeOrigin::signed(1), 100, first.clone()));
		assert_eq!(HostInfos::<Test>::get(1), Some(first));
		let second = with(b"renamed", b"", b"2x RTX 4090");
		assert_ok!(HostReputation::set_host_info(RuntimeOrigin::signed(1), second.clone()));
		assert_eq!(HostInfos::<Test>::get(1), Some(second));
		System::assert_has_event(RuntimeEvent::HostReputation(Event::HostInfoSet { host: 1 }));
		assert_noop!(
			HostReputation::set_host_info(RuntimeOrigin::signed(2), info("x")),
			Error::<Test>::NotRegistered
		);
		assert_noop!(
			HostReputation::set_host_info(RuntimeOrigin::signed(1), with(b"", b"", b"")),
			Error::<Test>::InvalidName
		);
	});
}
