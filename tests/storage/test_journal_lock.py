"""One process at a time runs a journal's jobs: the lock beside the journal, across real processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from pixverse_desktop.storage.journal_lock import JournalInUse, JournalLock

HOLD = ("import sys, time\n"
        "from pixverse_desktop.storage.journal_lock import JournalLock\n"
        "JournalLock(sys.argv[1]).acquire()\n"
        "print('held', flush=True)\n"
        "time.sleep(60)\n")


def hold_in_another_process(data_dir) -> subprocess.Popen:
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(data_dir)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_a_second_process_is_refused_and_told_who_holds_it(tmp_path):
    holder = hold_in_another_process(tmp_path)
    try:
        with pytest.raises(JournalInUse) as refused:
            JournalLock(tmp_path).acquire()
        assert refused.value.pid == holder.pid and str(holder.pid) in str(refused.value)
    finally:
        holder.terminate()
        holder.wait(10)
    lock = JournalLock(tmp_path).acquire()   # the holder ended: free again
    assert lock.held
    lock.release()


def test_a_killed_holder_leaves_no_stale_lock(tmp_path):
    holder = hold_in_another_process(tmp_path)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait(10)
    assert JournalLock(tmp_path).acquire().held


def test_two_holders_in_one_process_exclude_each_other_until_released(tmp_path):
    first = JournalLock(tmp_path).acquire()
    with pytest.raises(JournalInUse):
        JournalLock(tmp_path).acquire()
    first.release()
    second = JournalLock(tmp_path).acquire()
    assert second.held and not first.held
    second.release()
