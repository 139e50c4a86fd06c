;; A guest that follows the arena ABI of monocypher_guest.c but lies about
;; its allocations, to test that the host never trusts a guest pointer.
;; set_mode picks what bump_alloc returns, whatever size is asked:
;;   0: -16, i.e. 0xfffffff0 read as unsigned (a "negative" pointer)
;;   1: 0x7fffffff (far past the end of memory)
;;   2: memory size - 4 (inside, but the block runs past the end if size > 4)
;;   3: 0 (the out-of-memory signal)
;;   other: __heap_base, a real block (for contrast)
(module
  (memory (export "memory") 1)
  (global (export "__heap_base") i32 (i32.const 1024))
  (global $mode (mut i32) (i32.const 0))

  (func (export "set_mode") (param $mode i32)
    (global.set $mode (local.get $mode)))

  (func (export "bump_alloc") (param $size i32) (result i32)
    (block $lie
      (block $oom
        (block $near_end
          (block $huge
            (block $negative
              (br_table $negative $huge $near_end $oom $lie (global.get $mode)))
            (return (i32.const -16)))
          (return (i32.const 0x7fffffff)))
        (return (i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const 4))))
      (return (i32.const 0)))
    (i32.const 1024))

  (func (export "bump_reset"))

  (func (export "bump_high_water") (result i32)
    (i32.const 1024))

  ;; The AEAD exports Monocypher checks for; never reached, as every pointer
  ;; bump_alloc returns is refused first.
  (func (export "crypto_aead_lock") (param i32 i32 i32 i32 i32 i32 i32 i32)
    unreachable)
  (func (export "crypto_aead_unlock") (param i32 i32 i32 i32 i32 i32 i32 i32) (result i32)
    unreachable))
