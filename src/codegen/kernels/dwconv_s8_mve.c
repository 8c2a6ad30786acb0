/*
 * DEPTHWISE_CONV_2D (depth multiplier 1) for Helium, two paths.
 *
 * Planar path (stride 1, no dilation, channels a multiple of 16, k_w <= W+1, left padding <= 1,
 * a (k_h-1)*(W+1)+k_w <= 16 byte window, e.g. 3x3 on rows up to 5 wide as in DS-CNN KWS):
 * 16 channels at a time are
 * transposed into zero-point-padded channel planes with row stride W+1 (one shared pad column
 * between rows, pad rows above and below), using contiguous loads and VST4 (4 pixels x 16
 * channels become 16 words). Every output (pixel, channel) is then ONE 16-byte load of the
 * plane at the window's top-left corner and ONE VMLADAVA against that channel's window-shaped
 * weight vector (taps at lanes ky*(W+1)+kx, zeros elsewhere): 9 MACs per 2 instructions, no
 * borders (padding reads the input zero point; the input offset is folded into the bias).
 * Four channels' weight vectors stay in q4..q7; per pixel the four sums are moved into one
 * vector and requantized (VQRDMULH, sign fix, VRSHL, offset, clamp) and stored as 4 bytes.
 * Filter: [c][16] window vectors; `mult` holds interleaved shift/mult/bias quads. Scratch:
 * zero-point pixel, virtual-pixel source table, VST4 staging, group parameters, 16 planes.
 *
 * General path (any other shape, channels a multiple of 8): 8 channels per tap as widened
 * int16 lanes, VMULLB/VMULLT products accumulated in two int32x4 vectors. Filter:
 * [c/8][tap][8]; bias/mult/shift permuted per 8 channels to (c0 c2 c4 c6 c1 c3 c5 c7).
 * Which path a layer takes is decided by the same test here and in pack-mve.ts.
 */
#include "conv_s8.h"
#if !defined(__ARM_FEATURE_MVE)
#error "dwconv_s8_mve.c needs Helium (MVE), e.g. -mcpu=cortex-m55"
#endif
#include <arm_mve.h>

#define EF_UNUSED __attribute__((unused))

EF_INLINE int planar_ok(const ef_conv_s8_params *p) {
  return p->depth_mult == 1 && p->in_c == p->out_c && (p->in_c & 15) == 0 && p->stride_h == 1 && p->stride_w == 1 && p->dil_h == 1 &&
         p->dil_w == 1 && (p->k_h - 1) * (p->in_w + 1) + p->k_w <= 16 && p->k_w <= p->in_w + 1 && p->pad_w <= 1 &&
         p->out_w + p->k_w - 2 - p->pad_w <= p->in_w;
}

/* Per channel group: what the assembly loop reads. */
typedef struct {
  const int8_t *plane;   /* 0: plane of the group's first channel, at the first window */
  int32_t ps;            /* 4: plane stride */
  int8_t *out;           /* 8: output of (0, 0, c0) */
  int32_t c;             /* 12: output pixel stride */
  int32_t rows, cols;    /* 16, 20: output rows, pixels per row */
  const int32_t *prm;    /* 24: shift[4] mult[4] bias[4] lo[4] hi[4] */
  const int8_t *w;       /* 28: 4 x 16 window weights */
  int32_t offset;        /* 32 */
  int32_t skip;          /* 36: plane bytes skipped at a row end */
} ef_dw_group;

/* r0 r2 r4 r6 sums; r8..r11 plane pointers; r1 output; r3 pixel stride; r5 pixels left in the
 * row; r7 rows left; r12 prm; lr offset. q2 mult, q3 shift, q4..q7 weights. */
#define EF_DW_FN(NAME, CLAMP)                                                          \
  __attribute__((naked, noipa, used)) static void NAME(EF_UNUSED const ef_dw_group *g) { \
    __asm__ volatile(                                                                  \
        "push {r4-r11, lr}\n"                                                          \
        "vpush {d8-d15}\n"                                                             \
        "sub sp, sp, #8\n"                                                             \
        "ldr r1, [r0, #20]\n"                                                          \
        "str r1, [sp]\n"                                                               \
        "ldr r1, [r0, #36]\n"                                                          \
        "str r1, [sp, #4]\n"                                                           \
        "ldr r12, [r0, #28]\n"                                                         \
        "vldrw.32 q4, [r12]\n"                                                         \
        "vldrw.32 q5, [r12, #16]\n"                                                    \
        "vldrw.32 q6, [r12, #32]\n"                                                    \
        "vldrw.32 q7, [r12, #48]\n"                                                    \
        "ldr r12, [r0, #24]\n"                                                         \
        "vldrw.32 q3, [r12]\n"                                                         \
        "vldrw.32 q2, [r12, #16]\n"                                                    \
        "ldr lr, [r0, #32]\n"                                                          \
        "ldr r8, [r0, #0]\n"                                                           \
        "ldr r3, [r0, #4]\n"                                                           \
        "add r9, r8, r3\n"                                                             \
        "add r10, r9, r3\n"                                                            \
        "add r11, r10, r3\n"                                                           \
        "ldr r1, [r0, #8]\n"                                                           \
        "ldr r3, [r0, #12]\n"                                                          \
        "ldr r7, [r0, #16]\n"                                                          \
        "1:\n"                                                                         \
        "ldr r5, [sp]\n"                                                               \
        "2:\n"                                                                         \
        "vldrb.8 q0, [r8], #1\n"                                                       \
        "vldrb.8 q1, [r9], #1\n"                                                       \
        "vmladav.s8 r0, q4, q0\n"                                                      \
        "vldrb.8 q0, [r10], #1\n"                                                      \
        "vmladav.s8 r2, q5, q1\n"                                                      \
        "vldrb.8 q1, [r11], #1\n"                                                      \
        "vmladav.s8 r4, q6, q0\n"                                                      \
        "vmladav.s8 r6, q7, q1\n"                                                      \
        "vmov d0, r0, r2\n"                                                  \
        "vmov d1, r4, r6\n"                                                  \
        "vldrw.32 q1, [r12, #32]\n"                                                    \
        "vadd.i32 q0, q0, q1\n"                                                        \
        "vqrdmulh.s32 q0, q0, q2\n"                                                    \
        "vshr.s32 q1, q0, #31\n"                                                       \
        "vadd.i32 q0, q0, q1\n"                                                        \
        "vrshl.s32 q0, q0, q3\n"                                                       \
        "vadd.i32 q0, q0, lr\n"                                                        \
        CLAMP                                                                          \
        "vstrb.32 q0, [r1]\n"                                                          \
        "add r1, r1, r3\n"                                                             \
        "subs r5, r5, #1\n"                                                            \
        "bne 2b\n"                                                                     \
        "ldr r5, [sp, #4]\n"                                                           \
        "add r8, r8, r5\n"                                                             \
        "add r9, r9, r5\n"                                                             \
        "add r10, r10, r5\n"                                                           \
        "add r11, r11, r5\n"                                                           \
        "subs r7, r7, #1\n"                                                            \
        "bne 1b\n"                                                                     \
        "add sp, sp, #8\n"                                                             \
        "vpop {d8-d15}\n"                                                              \
        "pop {r4-r11, pc}\n");                                                         \
  }

/* Any clamp and row skip. */
EF_DW_FN(dw_rows_clamp, "vldrw.32 q1, [r12, #48]\n" "vmax.s32 q0, q0, q1\n" "vldrw.32 q1, [r12, #64]\n" "vmin.s32 q0, q0, q1\n")

/* One pixel of the full-range loop: bias stays in q1, the sign fix is a predicated subtract of
 * r12 = 1 where the product is negative, saturating narrows clamp to [-128, 127]. INC is the
 * plane pointers' post-increment (2 on a row's last pixel skips the pad column). */
#define EF_DW_PIX(INC, STORE)          \
  "vldrb.8 q0, [r8], #" INC "\n"       \
  "vmladav.s8 r0, q4, q0\n"            \
  "vldrb.8 q0, [r9], #" INC "\n"       \
  "vmladav.s8 r2, q5, q0\n"            \
  "vldrb.8 q0, [r10], #" INC "\n"      \
  "vmladav.s8 r4, q6, q0\n"            \
  "vldrb.8 q0, [r11], #" INC "\n"      \
  "vmladav.s8 r6, q7, q0\n"            \
  "vmov d0, r0, r2\n"                  \
  "vmov d1, r4, r6\n"                  \
  "vadd.i32 q0, q0, q1\n"              \
  "vqrdmulh.s32 q0, q0, q2\n"          \
  "vpt.s32 lt, q0, zr\n"               \
  "vsubt.i32 q0, q0, r12\n"            \
  "vrshl.s32 q0, q0, q3\n"             \
  "vadd.i32 q0, q0, lr\n"              \
  "vqmovnb.s32 q0, q0\n"               \
  "vqmovnb.s16 q0, q0\n"               \
  STORE

/* Full int8 range, rows of at least 2 pixels followed by exactly one pad column. */
#define EF_DW_FULL_FN(NAME, STORE)                                                     \
  __attribute__((naked, noipa, used)) static void NAME(EF_UNUSED const ef_dw_group *g) { \
  __asm__ volatile( \
      "push {r4-r11, lr}\n" \
      "vpush {d8-d15}\n" \
      "sub sp, sp, #8\n" \
      "ldr r1, [r0, #20]\n" \
      "subs r1, r1, #1\n" \
      "str r1, [sp]\n" \
      "ldr r12, [r0, #28]\n" \
      "vldrw.32 q4, [r12]\n" \
      "vldrw.32 q5, [r12, #16]\n" \
      "vldrw.32 q6, [r12, #32]\n" \
      "vldrw.32 q7, [r12, #48]\n" \
      "ldr r12, [r0, #24]\n" \
      "vldrw.32 q3, [r12]\n" \
      "vldrw.32 q2, [r12, #16]\n" \
      "vldrw.32 q1, [r12, #32]\n" \
      "movs r12, #1\n" \
      "ldr lr, [r0, #32]\n" \
      "ldr r8, [r0, #0]\n" \
      "ldr r3, [r0, #4]\n" \
      "add r9, r8, r3\n" \
      "add r10, r9, r3\n" \
      "add r11, r10, r3\n" \
      "ldr r1, [r0, #8]\n" \
      "ldr r3, [r0, #12]\n" \
      "ldr r7, [r0, #16]\n" \
      "1:\n" \
      "ldr r5, [sp]\n" \
      "2:\n" \
      EF_DW_PIX("1", STORE) \
      "subs r5, r5, #1\n" \
      "bne 2b\n" \
      EF_DW_PIX("2", STORE) \
      "subs r7, r7, #1\n" \
      "bne 1b\n" \
      "add sp, sp, #8\n" \
      "vpop {d8-d15}\n" \
      "pop {r4-r11, pc}\n"); \
}

/* The output pointer steps by the channel count: an immediate post-increment when it is 64. */
EF_DW_FULL_FN(dw_rows_full, "vstrb.32 q0, [r1]\n" "add r1, r1, r3\n")
EF_DW_FULL_FN(dw_rows_full64, "vstrb.32 q0, [r1], #64\n")

/* Transpose 16 channels of nq virtual-pixel quads into 16 planes (stride ps): per quad 4
 * source loads (pointer table + c0), VST4 to a 64-byte staging area (word j = channel j's
 * 4 pixels), then the 16 words to the planes. */
typedef struct {
  const int8_t *const *src; /* 0 */
  int32_t c0;               /* 4 */
  int8_t *planes;           /* 8 */
  int32_t ps, nq;           /* 12, 16 */
  int8_t *tmp;              /* 20 */
} ef_dw_tr;

#define EF_TR_WORDS(BASE)               \
  "ldm lr!, {r8-r11}\n"                 \
  "str r8, [" BASE "]\n"                \
  "str r9, [" BASE ", r2]\n"            \
  "str r10, [" BASE ", r3]\n"           \
  "str r11, [" BASE ", r4]\n"

__attribute__((naked, noipa, used)) static void dw_transpose16(EF_UNUSED const ef_dw_tr *t) {
  __asm__ volatile(
      "push {r4-r11, lr}\n"
      "vpush {d8-d15}\n"
      "ldr r1, [r0, #4]\n"
      "ldr r5, [r0, #8]\n"
      "ldr r2, [r0, #12]\n"
      "ldr r6, [r0, #16]\n"
      "ldr r7, [r0, #20]\n"
      "ldr r0, [r0, #0]\n"
      "add r3, r2, r2\n"
      "add r4, r3, r2\n"
      "1:\n"
      "ldm r0!, {r8-r11}\n"
      "add r8, r8, r1\n"
      "add r9, r9, r1\n"
      "add r10, r10, r1\n"
      "add r11, r11, r1\n"
      "vldrb.8 q4, [r8]\n"
      "vldrb.8 q5, [r9]\n"
      "vldrb.8 q6, [r10]\n"
      "vldrb.8 q7, [r11]\n"
      "vst40.8 {q4, q5, q6, q7}, [r7]\n"
      "vst41.8 {q4, q5, q6, q7}, [r7]\n"
      "vst42.8 {q4, q5, q6, q7}, [r7]\n"
      "vst43.8 {q4, q5, q6, q7}, [r7]\n"
      "mov lr, r7\n"
      EF_TR_WORDS("r5")
      "add r12, r5, r3, lsl #1\n"
      EF_TR_WORDS("r12")
      "add r12, r12, r3, lsl #1\n"
      EF_TR_WORDS("r12")
      "add r12, r12, r3, lsl #1\n"
      EF_TR_WORDS("r12")
      "add r5, r5, #4\n"
      "subs r6, r6, #1\n"
      "bne 1b\n"
      "vpop {d8-d15}\n"
      "pop {r4-r11, pc}\n");
}

static void dw_planar(const ef_conv_s8_params *p, const int8_t *in, int8_t *out, void *scratch) {
  const int32_t C = p->in_c, H = p->in_h, W = p->in_w, rs = W + 1;
  const int32_t prow = p->pad_h + H + (p->out_h + p->k_h - 1 - p->pad_h - H > 0 ? p->out_h + p->k_h - 1 - p->pad_h - H : 0);
  /* virtual pixels up to the last window's last tap (the right pad of the last row included) */
  const int32_t last = (p->out_h + p->k_h - 2) * rs + p->out_w + p->k_w - 1 - p->pad_w;
  const int32_t nv = ((prow * rs > last ? prow * rs : last + 1) + 3) & ~3, ps = nv + 16;
  int8_t *zpb = (int8_t *)scratch;
  const int8_t **src = (const int8_t **)(zpb + ((C + 15) & ~15));
  int8_t *tmp = (int8_t *)(src + nv);
  int32_t *prm = (int32_t *)(tmp + 64);
  int8_t *planes = (int8_t *)(prm + 20) + 16;
  const int8x16_t zp = vdupq_n_s8((int8_t)(-p->in_offset));
  for (int32_t c = 0; c < C; c += 16) vstrbq_s8(zpb + c, zp);
  const int full = p->act_min == -128 && p->act_max == 127;
  vstrwq_s32(prm + 12, vdupq_n_s32(p->act_min));
  vstrwq_s32(prm + 16, vdupq_n_s32(p->act_max));
  for (int32_t b = 0; b < p->batches; b++) {
    const int8_t *img = in + b * H * W * C;
    /* source of every virtual pixel of the padded planes (pad column first in each row) */
    int32_t v = 0;
    for (int32_t r = 0; r < prow; r++) {
      const int32_t iy = r - p->pad_h;
      src[v++] = zpb;
      if (iy >= 0 && iy < H) {
        const int8_t *s = img + iy * W * C;
        for (int32_t x = 0; x < W; x++, s += C) src[v++] = s;
      } else {
        for (int32_t x = 0; x < W; x++) src[v++] = zpb;
      }
    }
    while (v < nv) src[v++] = zpb;
    for (int32_t c0 = 0; c0 < C; c0 += 16) {
      const ef_dw_tr t = {src, c0, planes, ps, nv >> 2, tmp};
      dw_transpose16(&t);
      for (int32_t j = 0; j < 16; j += 4) {
        const int32_t *q = p->mult + 3 * (c0 + j);
        vstrwq_s32(prm, vldrwq_s32(q));
        vstrwq_s32(prm + 4, vldrwq_s32(q + 4));
        vstrwq_s32(prm + 8, vldrwq_s32(q + 8));
        const ef_dw_group g = {planes + j * ps + 1 - p->pad_w, ps, out + b * p->out_h * p->out_w * C + c0 + j, C, p->out_h, p->out_w,
                               prm, p->filter + (c0 + j) * 16, p->out_offset, rs - p->out_w};
        if (full && p->out_w >= 2 && rs - p->out_w == 1) {
          if (C == 64) dw_rows_full64(&g);
          else dw_rows_full(&g);
        }
        else dw_rows_clamp(&g);
      }
    }
  }
}

static void dw_general(const ef_conv_s8_params *p, const int8_t *in, int8_t *out, void *scratch) {
  const int32_t C = p->out_c, taps = p->k_h * p->k_w;
  const int8_t **ptr = (const int8_t **)scratch;
  int8_t *zpbuf = (int8_t *)(ptr + taps);
  for (int32_t c = 0; c < C; c++) zpbuf[c] = (int8_t)(-p->in_offset);
  const int32x4_t lo = vdupq_n_s32(p->act_min), hi = vdupq_n_s32(p->act_max), off = vdupq_n_s32(p->out_offset);
  const uint32x4_t even = vmulq_n_u32(vidupq_n_u32(0, 1), 2); /* byte offsets 0 2 4 6 */
  for (int32_t b = 0; b < p->batches; b++)
    for (int32_t oy = 0; oy < p->out_h; oy++)
      for (int32_t ox = 0; ox < p->out_w; ox++) {
        ef_dw_taps(p, in, zpbuf, b, oy, ox, ptr);
        int8_t *o = out + ((b * p->out_h + oy) * p->out_w + ox) * C;
        const int8_t *w = p->filter;
        for (int32_t c = 0; c < C; c += 8) {
          int32x4_t ae = vldrwq_s32(p->bias + c), ao = vldrwq_s32(p->bias + c + 4);
          if (taps == 9) { /* the common 3x3 case, fully unrolled */
            for (int32_t t = 0; t < 9; t++) {
              const int16x8_t x = vldrbq_s16(ptr[t] + c), wv = vldrbq_s16(w + 8 * t);
              ae = vaddq_s32(ae, vmullbq_int_s16(x, wv));
              ao = vaddq_s32(ao, vmulltq_int_s16(x, wv));
            }
            w += 72;
          } else {
            for (int32_t t = 0; t < taps; t++) {
              const int16x8_t x = vldrbq_s16(ptr[t] + c), wv = vldrbq_s16(w);
              ae = vaddq_s32(ae, vmullbq_int_s16(x, wv));
              ao = vaddq_s32(ao, vmulltq_int_s16(x, wv));
              w += 8;
            }
          }
          const int32x4_t me = vldrwq_s32(p->mult + c), mo = vldrwq_s32(p->mult + c + 4);
          const int32x4_t se = vldrwq_s32(p->shift + c), so = vldrwq_s32(p->shift + c + 4);
          ae = vqrdmulhq_s32(ae, me);
          ao = vqrdmulhq_s32(ao, mo);
          ae = vrshlq_s32(vaddq_s32(ae, vshrq_n_s32(ae, 31)), se);
          ao = vrshlq_s32(vaddq_s32(ao, vshrq_n_s32(ao, 31)), so);
          vstrbq_scatter_offset_s32(o + c, even, vminq_s32(vmaxq_s32(vaddq_s32(ae, off), lo), hi));
          vstrbq_scatter_offset_s32(o + c + 1, even, vminq_s32(vmaxq_s32(vaddq_s32(ao, off), lo), hi));
        }
      }
}

void ef_dwconv_s8_mve(const ef_conv_s8_params *p, const int8_t *in, int8_t *out, void *scratch) {
  if (planar_ok(p)) dw_planar(p, in, out, scratch);
  else dw_general(p, in, out, scratch);
}
