/* traces/native_names.h - the names of the native engine.
 *
 * The firmware's LRO engine (firmware/lro.c, lro_policy.c, csum.c) is built
 * twice: for the simulated NPU, calling model/hal_sim.c, and natively,
 * calling traces/hal_native.c. One program (npusim: run and replay; the
 * test runner) holds both, so the native build carries its external names
 * with a native_ prefix: the build force-includes this header into the
 * firmware's sources (they stay unmodified), and traces/hal_native.h
 * includes it ahead of the firmware's headers for the engine's callers.
 *
 * Every function with external linkage in those files and in firmware/hal.h
 * is listed. A name missing here is defined twice in npusim, and its link
 * fails saying which.
 */
#ifndef TRACES_NATIVE_NAMES_H
#define TRACES_NATIVE_NAMES_H

/* firmware/lro.h */
#define lro_config_default native_lro_config_default
#define lro_conn_capacity native_lro_conn_capacity
#define lro_conn_last_arrival native_lro_conn_last_arrival
#define lro_conn_timed_out native_lro_conn_timed_out
#define lro_conn_timeout_at native_lro_conn_timeout_at
#define lro_drain_conn native_lro_drain_conn
#define lro_engine_bytes native_lro_engine_bytes
#define lro_engine_config native_lro_engine_config
#define lro_engine_counters native_lro_engine_counters
#define lro_engine_init native_lro_engine_init
#define lro_flush_conn native_lro_flush_conn
#define lro_held_segments native_lro_held_segments
#define lro_input native_lro_input
#define lro_next_timed_out native_lro_next_timed_out
#define lro_release_conn native_lro_release_conn
#define lro_safe_ack native_lro_safe_ack
#define lro_host_seg_parse native_lro_host_seg_parse
#define lro_note_host_seg native_lro_note_host_seg
#define lro_burst_end native_lro_burst_end
#define lro_burst_frames native_lro_burst_frames

/* firmware/lro_policy.h */
#define lro_policy_get native_lro_policy_get
#define lro_policy_by_name native_lro_policy_by_name
#define lro_policy_may_append native_lro_policy_may_append
#define lro_policy_may_prepend native_lro_policy_may_prepend
#define lro_policy_ends_after native_lro_policy_ends_after
#define lro_policy_may_hold native_lro_policy_may_hold
#define lro_policy_holds_alone native_lro_policy_holds_alone

/* firmware/csum.h */
#define csum_add_at native_csum_add_at
#define csum_fold native_csum_fold
#define csum_partial native_csum_partial
#define csum_tcp_pseudo native_csum_tcp_pseudo
#define csum_tcp6_pseudo native_csum_tcp6_pseudo

/* firmware/hal.h */
#define hal_thread_id native_hal_thread_id
#define hal_thread_count native_hal_thread_count
#define hal_cycles native_hal_cycles
#define hal_cycles_per_second native_hal_cycles_per_second
#define hal_wait_cycles native_hal_wait_cycles
#define hal_cost native_hal_cost
#define hal_mem native_hal_mem
#define hal_station_of_thread native_hal_station_of_thread
#define hal_station_dma native_hal_station_dma
#define hal_station_mac_tx native_hal_station_mac_tx
#define hal_fmn_send native_hal_fmn_send
#define hal_fmn_try_send native_hal_fmn_try_send
#define hal_fmn_credits_in_use native_hal_fmn_credits_in_use
#define hal_fmn_recv native_hal_fmn_recv
#define hal_fmn_try_recv native_hal_fmn_try_recv
#define hal_fmn_try_recv_bucket native_hal_fmn_try_recv_bucket
#define hal_fmn_wait native_hal_fmn_wait
#define hal_pkt_alloc native_hal_pkt_alloc
#define hal_pkt_free native_hal_pkt_free
#define hal_pkt_free_count native_hal_pkt_free_count
#define hal_pkt_pool_size native_hal_pkt_pool_size
#define hal_addr_of native_hal_addr_of
#define hal_ptr_of native_hal_ptr_of
#define hal_shm_base native_hal_shm_base
#define hal_shm_size native_hal_shm_size
#define hal_msi_raise native_hal_msi_raise
#define hal_param native_hal_param

#endif
