/* traces/replay.h - `npusim replay`: the firmware's LRO engine run natively
 * over a capture, writing what it hands the host to a new capture. */
#ifndef TRACES_REPLAY_H
#define TRACES_REPLAY_H

/* npusim replay IN.pcap -o OUT.pcap [--filter BPF] [--mode lro|nic]
 *                [--threshold BYTES] [--no-active-ack]
 * Returns the exit status (0 ok, 1 output error, 2 bad input). */
int replay_main(int argc, char **argv);

#endif
