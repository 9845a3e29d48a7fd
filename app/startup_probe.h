// The start-up probe behind the app benchmark's cold-start figure: with KUBECLASS_STARTUP_PROBE=1 in the
// environment, the first paint of a window prints "KUBECLASS_FIRST_PAINT_MS=<CLOCK_MONOTONIC in ms>" to stdout
// and the app quits. Without the variable it does nothing.
#pragma once

namespace kc::app {

// Call once after the QApplication exists and before the window is shown.
void installStartupProbe();

}  // namespace kc::app
