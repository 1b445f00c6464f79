/* include-system-secrets: #include a file only root may read. Its first
 * line is not C, so the compiler's error message quotes it, and the
 * grader shows the compiler's messages as feedback. */
#include "/etc/shadow"
int main(void) { return 1; }
