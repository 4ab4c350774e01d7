// Offsets of the exp/sigmoid/tanh constants in ·expConsts (defined, with
// the meaning and origin of each, in sigmoid_avx2_amd64.s, generated from
// asm/internal/genvec/consts.go, whose test checks these): each constant
// is a 32-byte row of 8 equal float32 lanes, so AVX2 code uses a row as a
// memory operand and AVX-512 code broadcasts its first lane.

#define EXP_SIGN     0
#define EXP_NEGLIM   32
#define EXP_LOG2E    64
#define EXP_MAGIC    96
#define EXP_LN2HI    128
#define EXP_LN2LO    160
#define EXP_C0       192
#define EXP_C1       224
#define EXP_C2       256
#define EXP_C3       288
#define EXP_C4       320
#define EXP_ONE      352
#define EXP_BIAS64   384
#define TANH_NEGLIM  416
#define EXP_TWO      448
#define EXP_ABS      480
#define SIG_MAGIC    512
