/**
 * vitest setupFiles of the "headless" project: this test process gets no D-Bus session and no
 * display, whatever the machine running the tests has (a developer's desktop has both), so that
 * nothing in the engine can reach a keyring through this process either. The test homes build
 * their environment from scratch (home.ts) and carry none of these. headless-machine.test.ts
 * proves that no Secret Service is reachable.
 */
for (const name of ['DBUS_SESSION_BUS_ADDRESS', 'DBUS_SYSTEM_BUS_ADDRESS', 'XDG_RUNTIME_DIR', 'DISPLAY', 'WAYLAND_DISPLAY', 'DBUS_STARTER_ADDRESS']) {
  delete process.env[name];
}
process.env.PUSH_DOCTOR_TEST_MACHINE = 'headless';
