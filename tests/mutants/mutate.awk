# mutate.awk: write every mutant of one C source file, one classic bug each.
#
#   awk -v ex=EXERCISE -v file=NAME.c -v out=DIR -f tests/mutants/mutate.awk NAME.c
#
# For each mutant it makes DIR/NAME.NNN/src/NAME.c (the whole file with the
# one change) and DIR/NAME.NNN/meta ("ID<TAB>LINE<TAB>OPERATOR"), and prints
# the same fields, with the folder first, on stdout: the manifest.
#
# A mutant's ID is EXERCISE/FILE:FUNCTION:OPERATOR:N, the Nth place in
# FUNCTION where OPERATOR applies (top to bottom). It does not depend on line
# numbers, so an edit elsewhere in the file does not rename it, and the
# reviewed lists (equivalent.txt, survivors.txt) stay valid. The operators
# are listed in README.md. Only code is mutated: comments, string literals,
# preprocessor lines and anything under #if/#ifdef (such as transport's
# TP_POLL, which the exercise never compiles) are left alone.
#
# POSIX awk only (Debian's default awk is mawk).

BEGIN {
    base = file                 # NAME.NNN folders
    sub(/\.c$/, "", base)
}

{ L[++n] = $0 }

END {
    mask_all()
    find_functions()
    for (i = 1; i <= n; i++)
        if (M[i] ~ /SEM_FREE/)
            has_sem_free = 1
    nm = 0
    for (i = 1; i <= n; i++) {
        if (PP[i] || FN[i] == "top")
            continue
        op_check_off(i)
        op_guard_off(i)
        op_exit_zero(i)
        op_ret_ok(i)
        op_errno(i)
        op_shmat_null(i)
        op_mode(i)
        op_token(i, "IPC_EXCL", "no-excl", "0")
        op_token(i, "IPC_CREAT", "no-creat", "0")
        op_add_creat(i)
        op_cleanup(i)
        op_drop_call(i)
        op_token(i, "IPC_NOWAIT", "no-nowait", "0")
        op_token(i, "SEM_UNDO", "no-undo", "0")
        op_token(i, "MSG_NOERROR", "no-noerror", "0")
        op_token(i, "MSG_NOSIGNAL", "no-nosignal", "0")
        op_token(i, "SHM_RDONLY", "no-rdonly", "0")
        op_add_flag(i, "IPC_NOWAIT", "add-nowait")
        op_add_flag(i, "SEM_UNDO", "add-undo")
        op_sa_restart(i)
        op_poll_busy(i)
        op_size_minus1(i)
        op_sizeof_ptr(i)
        op_msgsz_whole(i)
        op_loop_bound(i)
        op_wrap_off(i)
        op_mask_drop(i)
        op_field_swap(i)
        op_fmt_signed(i)
        op_sem_sign(i)
        op_msgtyp(i)
        op_reply_type(i)
        op_swap(i)
    }
}

# ---- Reading the source ----

function spaces(k,    s) {
    s = ""
    while (k-- > 0)
        s = s " "
    return s
}

# M[i]: line i with comments blanked out and the inside of string and
# character literals replaced by '_', the same length as L[i], so that a
# position found in M is the same position in L. PP[i]: line i is a
# preprocessor line or sits inside #if ... #endif.
function mask_all(    i, s, out, j, len, c, c2, inc, instr, q, depth) {
    inc = 0
    depth = 0
    for (i = 1; i <= n; i++) {
        s = L[i]
        out = ""
        len = length(s)
        instr = 0
        j = 1
        while (j <= len) {
            c = substr(s, j, 1)
            c2 = substr(s, j, 2)
            if (inc) {
                if (c2 == "*/") { out = out "  "; j += 2; inc = 0; continue }
                out = out " "; j++; continue
            }
            if (instr) {
                if (c == "\\" && j < len) { out = out "__"; j += 2; continue }
                if (c == q) { out = out c; instr = 0; j++; continue }
                out = out "_"; j++; continue
            }
            if (c2 == "/*") { inc = 1; out = out "  "; j += 2; continue }
            if (c2 == "//") { out = out spaces(len - j + 1); break }
            if (c == "\"" || c == "'") { instr = 1; q = c; out = out c; j++; continue }
            out = out c
            j++
        }
        M[i] = out
        PP[i] = 0
        if (out ~ /^[ \t]*#[ \t]*if/) {
            depth++
            PP[i] = 1
        } else if (out ~ /^[ \t]*#[ \t]*endif/) {
            depth--
            PP[i] = 1
        } else if (out ~ /^[ \t]*#/ || depth > 0) {
            PP[i] = 1
        }
    }
}

# FN[i]: the function line i belongs to ("top" outside every function). The
# solutions' style puts the name at the start of a line, and the body's "{"
# alone on the next.
function find_functions(    i, cur, s) {
    cur = "top"
    for (i = 1; i <= n; i++) {
        if (M[i] ~ /^\{/ && i > 1 && M[i - 1] ~ /^[A-Za-z_][A-Za-z0-9_]*\(/) {
            s = M[i - 1]
            sub(/\(.*/, "", s)
            cur = s
            FN[i - 1] = cur
        }
        FN[i] = cur
        if (M[i] ~ /^\}/)
            cur = "top"
    }
}

function isword(c) {
    return c ~ /^[A-Za-z0-9_]$/
}

# Find every match of RE in S (positions 1-based) into MS[] and MLEN[];
# when WORD is set, a match must not touch a letter, digit or '_' on
# either side. Returns the count.
function findall(s, re, word,    off, cnt, pos, before, after) {
    cnt = 0
    off = 0
    while (off < length(s) && match(substr(s, off + 1), re)) {
        pos = off + RSTART
        before = pos > 1 ? substr(s, pos - 1, 1) : ""
        after = substr(s, pos + RLENGTH, 1)
        if (!word || ((!isword(substr(s, pos, 1)) || !isword(before)) &&
                      (!isword(substr(s, pos + RLENGTH - 1, 1)) || !isword(after)))) {
            cnt++
            MS[cnt] = pos
            MLEN[cnt] = RLENGTH
            off = pos + RLENGTH - 1
        } else {
            off = pos
        }
        if (RLENGTH == 0)
            off++
    }
    return cnt
}

# The ")" that closes the "(" at line I, position P: sets CL and CP.
# Returns 0 if it is not found within 20 lines.
function close_paren(i, p,    depth, j, k, c, start) {
    depth = 0
    for (j = i; j <= n && j < i + 20; j++) {
        start = (j == i) ? p : 1
        for (k = start; k <= length(M[j]); k++) {
            c = substr(M[j], k, 1)
            if (c == "(")
                depth++
            else if (c == ")" && --depth == 0) {
                CL = j
                CP = k
                return 1
            }
        }
    }
    return 0
}

# The arguments of the call whose "(" is at line I, position P, when the
# call is on that one line: NA arguments, argument k from AS[k] to AE[k]
# (trimmed). Returns NA, or 0 if the call goes on to another line.
function call_args(i, p,    s, depth, k, c, start) {
    if (!close_paren(i, p) || CL != i)
        return 0
    s = M[i]
    NA = 0
    depth = 0
    start = p + 1
    for (k = p + 1; k <= CP; k++) {
        c = substr(s, k, 1)
        if (c == "(" || c == "[" || c == "{")
            depth++
        else if (c == "]" || c == "}")
            depth--
        else if (c == ")" && k < CP)
            depth--
        else if ((c == "," && depth == 0) || k == CP) {
            NA++
            AS[NA] = start
            AE[NA] = k - 1
            while (substr(s, AS[NA], 1) == " ")
                AS[NA]++
            while (AE[NA] > AS[NA] && substr(s, AE[NA], 1) == " ")
                AE[NA]--
            start = k + 1
        }
    }
    return NA
}

function argtext(i, k) {
    return substr(L[i], AS[k], AE[k] - AS[k] + 1)
}

# ---- Writing a mutant ----

# Replace LEN characters at POS of line I (as it stands in the mutant).
function put(i, pos, len, text,    cur) {
    cur = (i in OV) ? OV[i] : L[i]
    OV[i] = substr(cur, 1, pos - 1) text substr(cur, pos + len)
}

# Write the mutant made of the original lines, OV[] in their place, and PRE
# before the first line; then forget OV and PRE. LINE is the line shown as
# the mutant's place; every candidate place counts, written or not, so that
# the numbering never depends on which mutants were kept.
function emit(op, line,    key, id, k, lo, hi, changed, d, f) {
    count[FN[line] SUBSEP op]++
    id = ex "/" file ":" FN[line] ":" op ":" count[FN[line] SUBSEP op]
    lo = n + 1
    hi = 0
    changed = (PRE != "")
    key = PRE
    for (k in OV) {
        if (k + 0 < lo) lo = k + 0
        if (k + 0 > hi) hi = k + 0
    }
    for (k = lo; k <= hi; k++)
        if (k in OV) {
            key = key SUBSEP k SUBSEP OV[k]
            if (OV[k] != L[k])
                changed = 1
        }
    if (changed && !(key in seen)) {
        seen[key] = id
        d = out "/" base "." sprintf("%03d", ++nm)
        system("mkdir -p '" d "/src'")
        f = d "/src/" file
        if (PRE != "")
            print PRE > f
        for (k = 1; k <= n; k++)
            print ((k in OV) ? OV[k] : L[k]) > f
        close(f)
        print id "\t" line "\t" op > (d "/meta")
        close(d "/meta")
        print d "\t" id "\t" line "\t" op
    }
    for (k in OV)
        delete OV[k]
    PRE = ""
}

# ---- The operators ----

# check-off: an error check that never fires: "x == -1" becomes
# "x == -1 && 0" (the call is still made, its failure ignored).
function op_check_off(i,    c, k, re) {
    re = "(== -1|== \\(void \\*\\) ?-1|== NULL|\\) != 0)"
    c = findall(M[i], re, 0)
    for (k = 1; k <= c; k++) {
        put(i, MS[k] + MLEN[k], 0, " && 0")
        emit("check-off", i)
    }
}

# guard-off: a check that ends the program (usage, fatal, err_exit, exit)
# never fires: "if (COND)" becomes "if (0 && (COND))". Conditions that
# test a call's -1 are check-off's.
function op_guard_off(i,    c, k, p, cond, j, body, bl) {
    c = findall(M[i], "if \\(", 1)
    for (k = 1; k <= c; k++) {
        p = MS[k] + 3
        if (!close_paren(i, p))
            continue
        cond = ""
        for (j = i; j <= CL; j++)
            cond = cond " " M[j]
        if (cond ~ /(== -1|== \(void \*\) ?-1|== NULL|\) != 0|errno|err [!=]= E)/)
            continue
        body = substr(M[CL], CP + 1)
        bl = CL
        while (body ~ /^[ \t{]*$/ && bl < n) {
            bl++
            body = M[bl]
        }
        if (body !~ /^[ \t{]*(usage|usage_err|fatal|err_exit|exit)\(/)
            continue
        put(CL, CP, 1, "))")
        put(i, p + 1, 0, "0 && (")
        emit("guard-off", i)
    }
}

# exit-zero: an error exit with status 0. The error helpers of ipcbook.h
# always exit 1 (usage 2), so a call to one becomes a call to a macro,
# prepended to the file, that prints the same message and exits 0.
function op_exit_zero(i,    c, k, name) {
    c = findall(M[i], "(err_exit|fatal|usage_err)\\(", 1)
    for (k = 1; k <= c; k++) {
        name = substr(M[i], MS[k], MLEN[k] - 1)
        if (name == "err_exit")
            PRE = "#define MUT_err_exit0(...) (err_msg(__VA_ARGS__), exit(EXIT_SUCCESS)) /* mutant */"
        else if (name == "fatal")
            PRE = "#define MUT_fatal0(...) (fprintf(stderr, __VA_ARGS__), fputc('\\n', stderr), exit(EXIT_SUCCESS)) /* mutant */"
        else
            PRE = "#define MUT_usage_err0(...) (fprintf(stderr, __VA_ARGS__), exit(EXIT_SUCCESS)) /* mutant */"
        put(i, MS[k], length(name), "MUT_" name "0")
        emit("exit-zero", i)
    }
    c = findall(M[i], "EXIT_FAILURE", 1)
    for (k = 1; k <= c; k++) {
        if (substr(M[i], 1, MS[k] - 1) !~ /(exit\(|return )$/)
            continue
        put(i, MS[k], MLEN[k], "EXIT_SUCCESS")
        emit("exit-zero", i)
    }
}

# ret-ok: a function that reports failure with -1 reports success instead.
function op_ret_ok(i,    c, k) {
    c = findall(M[i], "return -1;", 1)
    for (k = 1; k <= c; k++) {
        put(i, MS[k], MLEN[k], "return 0;")
        emit("ret-ok", i)
    }
}

# no-eintr: EINTR is not retried ("errno == EINTR" is false);
# eintr-any: any error is retried like EINTR (it is always true);
# errno-off: another errno test never holds ("errno == E..." is false,
# "errno != E..." true).
function op_errno(i,    c, k, t, eq) {
    c = findall(M[i], "(errno|err) [!=]= E[A-Z0-9]+", 1)
    for (k = 1; k <= c; k++) {
        t = substr(M[i], MS[k], MLEN[k])
        eq = (t ~ /==/)
        if (t ~ / EINTR$/) {
            put(i, MS[k], MLEN[k], eq ? "0" : "1")
            emit("no-eintr", i)
            put(i, MS[k], MLEN[k], eq ? "1" : "0")
            emit("eintr-any", i)
        } else {
            put(i, MS[k], MLEN[k], eq ? "0" : "1")
            emit("errno-off", i)
        }
    }
}

# shmat-null: shmat()'s failure tested against NULL instead of (void *) -1.
function op_shmat_null(i,    c, k) {
    c = findall(M[i], "[!=]= \\(void \\*\\) ?-1", 0)
    for (k = 1; k <= c; k++) {
        put(i, MS[k] + 3, MLEN[k] - 3, "NULL")
        emit("shmat-null", i)
    }
}

# mode-0666: permission bits widened to every user.
function op_mode(i,    c, k) {
    c = findall(M[i], "(0600|S_IRUSR \\| S_IWUSR)", 1)
    for (k = 1; k <= c; k++) {
        put(i, MS[k], MLEN[k], "0666")
        emit("mode-0666", i)
    }
}

# A flag dropped: the token becomes 0.
function op_token(i, tok, op, repl,    c, k) {
    c = findall(M[i], tok, 1)
    for (k = 1; k <= c; k++) {
        put(i, MS[k], MLEN[k], repl)
        emit(op, i)
    }
}

# add-creat: a call that opens (shmget/semget/msgget with flags 0) creates
# if nothing is there.
function op_add_creat(i,    c, k, na) {
    c = findall(M[i], "(shmget|semget|msgget)\\(", 1)
    for (k = 1; k <= c; k++) {
        na = call_args(i, MS[k] + MLEN[k] - 1)
        if (na < 2 || argtext(i, na) != "0")
            continue
        put(i, AS[na], 1, "IPC_CREAT | 0600")
        emit("add-creat", i)
    }
}

# Replace the call whose name starts at line I, position POS and whose "("
# is at P by 0 ("(void) 0" when it is a statement of its own).
function drop_call(i, pos, p, op,    j, rest) {
    if (!close_paren(i, p))
        return
    rest = substr(L[CL], CP + 1)
    if (substr(M[i], 1, pos - 1) ~ /^[ \t]*$/ && rest ~ /^;/) {
        if (CL == i) {
            put(i, pos, CP - pos + 1, "(void) 0")
        } else {
            OV[i] = substr(L[i], 1, pos - 1) "(void) 0" rest
            for (j = i + 1; j <= CL; j++)
                OV[j] = ""
        }
    } else {
        if (CL != i)
            return
        put(i, pos, CP - pos + 1, "0")
    }
    emit(op, i)
}

# no-cleanup: a release that is never made: shmdt, close, free, unlink,
# and shmctl/msgctl/semctl with IPC_RMID.
function op_cleanup(i,    c, k, p, args, j) {
    c = findall(M[i], "(shmdt|close|free|unlink|shmctl|msgctl|semctl)\\(", 1)
    for (k = 1; k <= c; k++) {
        p = MS[k] + MLEN[k] - 1
        if (substr(M[i], MS[k], MLEN[k] - 1) ~ /ctl$/) {
            if (!close_paren(i, p))
                continue
            args = ""
            for (j = i; j <= CL; j++)
                args = args M[j]
            if (args !~ /IPC_RMID/)
                continue
        }
        drop_call(i, MS[k], p, "no-cleanup")
    }
}

# drop-call: a set-up call that is never made: memset, setvbuf,
# sigprocmask, semctl SETVAL/SETALL (the initial values), shmctl/msgctl
# IPC_STAT (read before use).
function op_drop_call(i,    c, k, p, args, j, name) {
    c = findall(M[i], "(memset|setvbuf|sigprocmask|semctl|shmctl|msgctl)\\(", 1)
    for (k = 1; k <= c; k++) {
        p = MS[k] + MLEN[k] - 1
        name = substr(M[i], MS[k], MLEN[k] - 1)
        if (name ~ /ctl$/) {
            if (!close_paren(i, p))
                continue
            args = ""
            for (j = i; j <= CL; j++)
                args = args M[j]
            if (args !~ /(SETVAL|SETALL|IPC_STAT)/)
                continue
        }
        drop_call(i, MS[k], p, "drop-call")
    }
}

# add-nowait, add-undo: a flag added where the call passes 0: the last
# argument of msgsnd, msgrcv and ringbuf's sem_change, or a sembuf's
# .sem_flg = 0.
function op_add_flag(i, flag, op,    c, k, na) {
    c = findall(M[i], "(msgsnd|msgrcv|sem_change)\\(", 1)
    for (k = 1; k <= c; k++) {
        if (flag == "SEM_UNDO" && substr(M[i], MS[k], 3) == "msg")
            continue
        na = call_args(i, MS[k] + MLEN[k] - 1)
        if (na < 2 || argtext(i, na) != "0")
            continue
        put(i, AS[na], 1, flag)
        emit(op, i)
    }
    c = findall(M[i], "\\.sem_flg = 0", 0)
    for (k = 1; k <= c; k++) {
        put(i, MS[k] + MLEN[k] - 1, 1, flag)
        emit(op, i)
    }
}

# sa-restart: the handler installed with SA_RESTART.
function op_sa_restart(i,    c, k) {
    c = findall(M[i], "sa_flags = 0", 1)
    for (k = 1; k <= c; k++) {
        put(i, MS[k] + MLEN[k] - 1, 1, "SA_RESTART")
        emit("sa-restart", i)
    }
}

# poll-busy: poll() with a timeout of 0 (a busy loop).
function op_poll_busy(i,    c, k, na) {
    c = findall(M[i], "poll\\(", 1)
    for (k = 1; k <= c; k++) {
        na = call_args(i, MS[k] + MLEN[k] - 1)
        if (na != 3 || argtext(i, 3) != "-1")
            continue
        put(i, AS[3], 2, "0")
        emit("poll-busy", i)
    }
}

# Is position POS of line I inside the arguments of a call matching RE
# (a call that started on this line or up to five lines before)? Uses
# findall(), so callers keep their own copy of MS and MLEN.
function inside_call(i, pos, re,    j, k, q, nc) {
    for (j = i; j >= 1 && j > i - 6; j--) {
        nc = findall(M[j], re, 1)
        for (k = 1; k <= nc; k++) {
            q = MS[k] + MLEN[k] - 1
            if (j == i && q > pos)
                continue
            if (close_paren(j, q) && (CL > i || (CL == i && CP > pos)))
                return 1
        }
    }
    return 0
}

# size-minus1: a size one byte short: sizeof(X), sizeof *p, and the message
# sizes REQUEST_SIZE / REPLY_SIZE become (SIZE - 1). Not in usage(),
# _Static_assert or the arguments of a message (printf, fatal, ...), where
# a size only shapes a text or a compile-time check.
function op_size_minus1(i,    c, k, p, e, sm, sl) {
    if (FN[i] == "usage" || M[i] ~ /_Static_assert/)
        return
    c = findall(M[i], "(sizeof\\(|sizeof \\*?[A-Za-z_][A-Za-z0-9_]*|REQUEST_SIZE|REPLY_SIZE)", 1)
    for (k = 1; k <= c; k++) {
        sm[k] = MS[k]
        sl[k] = MLEN[k]
    }
    for (k = 1; k <= c; k++) {
        p = sm[k]
        if (inside_call(i, p, "(printf|fprintf|fatal|usage|usage_err|err_msg|err_exit)\\("))
            continue
        if (substr(M[i], p + sl[k] - 1, 1) == "(") {
            if (!close_paren(i, p + sl[k] - 1) || CL != i)
                continue
            e = CP
        } else {
            e = p + sl[k] - 1
        }
        put(i, e + 1, 0, " - 1)")
        put(i, p, 0, "(")
        emit("size-minus1", i)
    }
}

# sizeof-ptr: the size of a pointer instead of the structure.
function op_sizeof_ptr(i,    c, k) {
    c = findall(M[i], "sizeof\\(struct [A-Za-z_][A-Za-z0-9_]*\\)", 1)
    for (k = 1; k <= c; k++) {
        put(i, MS[k] + MLEN[k] - 1, 0, " *")
        emit("sizeof-ptr", i)
    }
    c = findall(M[i], "sizeof \\*", 1)
    for (k = 1; k <= c; k++) {
        put(i, MS[k] + 7, 1, "")
        emit("sizeof-ptr", i)
    }
}

# msgsz-whole: msgsnd/msgrcv given the size of the whole structure, mtype
# included, instead of the payload's.
function op_msgsz_whole(i,    c, k, na, a, b) {
    c = findall(M[i], "(msgsnd|msgrcv)\\(", 1)
    for (k = 1; k <= c; k++) {
        na = call_args(i, MS[k] + MLEN[k] - 1)
        if (na < 3)
            continue
        a = argtext(i, 3)
        if (a == "REQUEST_SIZE")
            put(i, AS[3], length(a), "sizeof(struct request)")
        else if (a == "REPLY_SIZE")
            put(i, AS[3], length(a), "sizeof(struct reply)")
        else if (a ~ /^sizeof\(.*\..*\)$/) {
            b = argtext(i, 2)
            put(i, AS[3], length(a), "sizeof(" (b ~ /^&/ ? substr(b, 2) : "*" b) ")")
        } else
            continue
        emit("msgsz-whole", i)
    }
}

# loop-bound: an off-by-one in a loop's condition: < becomes <= and <=
# becomes <.
function op_loop_bound(i,    c, k, t) {
    if (M[i] !~ /(for|while) \(/)
        return
    c = findall(M[i], " <=? ", 0)
    for (k = 1; k <= c; k++) {
        t = substr(M[i], MS[k], MLEN[k])
        put(i, MS[k], MLEN[k], t == " < " ? " <= " : " < ")
        emit("loop-bound", i)
    }
}

# wrap-off: a ring index that wraps one slot too late: % N becomes % (N + 1).
function op_wrap_off(i,    c, k, t) {
    c = findall(M[i], "% [A-Za-z_][A-Za-z0-9_>.-]*", 0)
    for (k = 1; k <= c; k++) {
        t = substr(M[i], MS[k] + 2, MLEN[k] - 2)
        put(i, MS[k] + 2, MLEN[k] - 2, "(" t " + 1)")
        emit("wrap-off", i)
    }
}

# mask-drop: a value printed or used without its mask (& 0xff, & 0777).
function op_mask_drop(i,    c, k) {
    c = findall(M[i], " & 0(x[0-9a-fA-F]+|[0-7]+)", 0)
    for (k = 1; k <= c; k++) {
        put(i, MS[k], MLEN[k], "")
        emit("mask-drop", i)
    }
}

# field-swap: the neighbouring field, flag or semaphore taken by mistake:
# the device's number for the file's (st_dev -> st_rdev), another time, pid
# or byte count of the same structure, IPC_INFO for *_INFO (limits instead
# of usage), the other counting semaphore, the other ring index.
function op_field_swap(i,    c, k, t, np, a, j) {
    np = split("st_dev shm_atime shm_dtime msg_stime msg_rtime __msg_cbytes " \
               "msg_qbytes msg_lspid msg_lrpid shm_cpid shm_lpid IPC_INFO " \
               "MSG_INFO SHM_INFO SEM_EMPTY SEM_FULL SEM_FREE", a, " ")
    for (j = 1; j <= np; j++) {
        c = findall(M[i], a[j], 1)
        for (k = 1; k <= c; k++) {
            put(i, MS[k], MLEN[k], partner(a[j], i))
            emit("field-swap", i)
        }
    }
    c = findall(M[i], "->(in|out)", 1)
    for (k = 1; k <= c; k++) {
        t = substr(M[i], MS[k] + 2, MLEN[k] - 2)
        put(i, MS[k] + 2, MLEN[k] - 2, t == "in" ? "out" : "in")
        emit("field-swap", i)
    }
}

function partner(t, i) {
    if (t == "st_dev") return "st_rdev"
    if (t == "shm_atime") return "shm_dtime"
    if (t == "shm_dtime") return "shm_atime"
    if (t == "msg_stime") return "msg_rtime"
    if (t == "msg_rtime") return "msg_stime"
    if (t == "__msg_cbytes") return "msg_qbytes"
    if (t == "msg_qbytes") return "__msg_cbytes"
    if (t == "msg_lspid") return "msg_lrpid"
    if (t == "msg_lrpid") return "msg_lspid"
    if (t == "shm_cpid") return "shm_lpid"
    if (t == "shm_lpid") return "shm_cpid"
    if (t == "IPC_INFO") return M[i] ~ /shmctl/ ? "SHM_INFO" : "MSG_INFO"
    if (t == "MSG_INFO" || t == "SHM_INFO") return "IPC_INFO"
    if (t == "SEM_EMPTY" || t == "SEM_FREE") return "SEM_FULL"
    if (t == "SEM_FULL") return has_sem_free ? "SEM_FREE" : "SEM_EMPTY"
    return t
}

# fmt-signed: a limit that does not fit a long printed as signed.
function op_fmt_signed(i,    c, k) {
    if (M[i] !~ /lim\.shm(max|all)/)
        return
    c = findall(L[i], "%lu", 0)
    for (k = 1; k <= c; k++) {
        put(i, MS[k], MLEN[k], "%ld")
        emit("fmt-signed", i)
    }
}

# sem-sign: a semaphore operation with the wrong sign (-1 <-> +1).
function op_sem_sign(i,    c, k, na, a, t) {
    c = findall(M[i], "(sem_change|sem_add)\\(", 1)
    for (k = 1; k <= c; k++) {
        na = call_args(i, MS[k] + MLEN[k] - 1)
        if (na < 3)
            continue
        a = argtext(i, 3)
        if (a == "-1")
            t = "+1"
        else if (a == "+1")
            t = "-1"
        else
            continue
        put(i, AS[3], 2, t)
        emit("sem-sign", i)
    }
}

# msgtyp-neg, msgtyp-zero: msgrcv's msgtyp negated, or 0 (any message).
function op_msgtyp(i,    c, k, na, a) {
    c = findall(M[i], "msgrcv\\(", 1)
    for (k = 1; k <= c; k++) {
        na = call_args(i, MS[k] + MLEN[k] - 1)
        if (na != 5)
            continue
        a = argtext(i, 4)
        if (a ~ /^-/)
            put(i, AS[4], 1, "")
        else
            put(i, AS[4], 0, "-")
        emit("msgtyp-neg", i)
        put(i, AS[4], length(a), "0")
        emit("msgtyp-zero", i)
    }
}

# reply-type: a reply sent with the request's own type instead of the type
# the client asked for.
function op_reply_type(i,    c, k) {
    if (M[i] !~ /\.mtype = /)
        return
    c = findall(M[i], "->reply_type", 0)
    for (k = 1; k <= c; k++) {
        put(i, MS[k] + 2, MLEN[k] - 2, "mtype")
        emit("reply-type", i)
    }
}

# ---- swap: two neighbouring statements in the wrong order ----

# A simple statement starting at line I: a one-line expression statement
# (no declaration, no jump), or "if (...)" with a one-line body. Sets UE
# (its last line) and returns 1, or returns 0.
function unit_at(i,    s, j) {
    s = M[i]
    if (PP[i] || s ~ /^[ \t]*$/ || s ~ /^[ \t]*[{}]/)
        return 0
    # Not the body of an if/for/while, nor the rest of a longer statement:
    # the code before it ends a statement or a block.
    for (j = i - 1; j >= 1 && M[j] ~ /^[ \t]*$/; j--)
        ;
    if (j >= 1 && M[j] !~ /[;{}:][ \t]*$/)
        return 0
    if (s ~ /^[ \t]*(return|break|continue|goto|case|default|else|do|for|while|switch)[ (;:]/)
        return 0
    if (s ~ /^[ \t]*(const |static |struct [A-Za-z_]+ |union |enum |int |long |short |unsigned |char |size_t |ssize_t |bool |key_t |double |float |socklen_t |nfds_t |sigset_t |mode_t |time_t )/)
        return 0
    if (s ~ /^[ \t]*if \(/) {
        if (!close_paren(i, index(s, "(")) || CL != i || substr(s, CP + 1) !~ /^[ \t]*$/)
            return 0
        j = i + 1
        if (M[j] !~ /;[ \t]*$/ || M[j] ~ /^[ \t]*[{}]/ || (j < n && M[j + 1] ~ /^[ \t]*else/))
            return 0
        UE = j
        return 1
    }
    if (s !~ /;[ \t]*$/ || s ~ /^[ \t]*[A-Za-z_][A-Za-z0-9_]*:/)
        return 0
    if (!balanced(s))
        return 0
    UE = i
    return 1
}

function balanced(s,    t, o, c) {
    t = s
    o = gsub(/\(/, "(", t)
    c = gsub(/\)/, ")", t)
    return o == c
}

function is_sync(a, b,    j, s) {
    s = ""
    for (j = a; j <= b; j++)
        s = s " " M[j]
    return s ~ /(^|[^A-Za-z0-9_])(sem_change|lock_ring|unlock_ring|sem_add|semop)\(/
}

function is_ipc(a, b,    j, s) {
    s = ""
    for (j = a; j <= b; j++)
        s = s " " M[j]
    return s ~ /(^|[^A-Za-z0-9_])(shm|sem|msg)(get|at|dt|ctl|op|snd|rcv)\(/
}

# swap: the statement at I and the next one (blank or comment lines may sit
# between) change places, when one of them is a semaphore operation or
# both are IPC calls: the lock before the slot, a record announced before it
# is written, IPC_STAT after IPC_RMID, ...
function op_swap(i,    a1, a2, b1, b2, j, k, nl, blk) {
    if (!unit_at(i))
        return
    a1 = i
    a2 = UE
    b1 = a2 + 1
    while (b1 <= n && M[b1] ~ /^[ \t]*$/)
        b1++
    if (b1 > n || !unit_at(b1))
        return
    b2 = UE
    if (!(is_sync(a1, a2) || is_sync(b1, b2) || (is_ipc(a1, a2) && is_ipc(b1, b2))))
        return
    # The new order of lines a1..b2: B's lines, the lines between, A's.
    nl = 0
    for (j = b1; j <= b2; j++) blk[++nl] = L[j]
    for (j = a2 + 1; j < b1; j++) blk[++nl] = L[j]
    for (j = a1; j <= a2; j++) blk[++nl] = L[j]
    k = 0
    for (j = a1; j <= b2; j++)
        OV[j] = blk[++k]
    emit("swap", i)
}
